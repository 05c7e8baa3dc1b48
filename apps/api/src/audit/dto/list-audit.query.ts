import { PageCursor, PageLimit } from '../../common/pagination';
import { IsISO8601, IsString, IsUUID, Matches } from 'class-validator';
import { Omittable } from '../../common/validation';

export class ListAuditQuery {
  /** A prefix: `auth` matches `auth.login` and `auth.login_failed`. */
  @Omittable()
  @Matches(/^[a-z_.]{1,64}$/, {
    message: 'action must be an action name or prefix such as "auth.login"',
  })
  action?: string;

  @Omittable()
  @IsUUID()
  actorId?: string;

  @Omittable()
  @Matches(/^[a-z_]{1,32}$/, { message: 'objectType must be a type such as "user" or "flag"' })
  objectType?: string;

  @Omittable()
  @IsString()
  @Matches(/^[\w.:@-]{1,256}$/, { message: 'objectId has characters no object id has' })
  objectId?: string;

  @Omittable()
  @IsISO8601()
  from?: string;

  @Omittable()
  @IsISO8601()
  to?: string;

  @PageLimit()
  limit?: number;

  @PageCursor()
  cursor?: string;
}
