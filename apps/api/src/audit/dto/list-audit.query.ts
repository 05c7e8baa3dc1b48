import { PageCursor, PageLimit } from '../../common/pagination';
import { IsISO8601, IsOptional, IsString, IsUUID, Matches } from 'class-validator';

export class ListAuditQuery {
  /** A prefix: `auth` matches `auth.login` and `auth.login_failed`. */
  @IsOptional()
  @Matches(/^[a-z_.]{1,64}$/, {
    message: 'action must be an action name or prefix such as "auth.login"',
  })
  action?: string;

  @IsOptional()
  @IsUUID()
  actorId?: string;

  @IsOptional()
  @Matches(/^[a-z_]{1,32}$/, { message: 'objectType must be a type such as "user" or "flag"' })
  objectType?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[\w.:@-]{1,256}$/, { message: 'objectId has characters no object id has' })
  objectId?: string;

  @IsOptional()
  @IsISO8601()
  from?: string;

  @IsOptional()
  @IsISO8601()
  to?: string;

  @PageLimit()
  limit?: number;

  @PageCursor()
  cursor?: string;
}
