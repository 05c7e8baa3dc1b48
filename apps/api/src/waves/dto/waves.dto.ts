import { Transform } from 'class-transformer';
import { IsIn, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { Omittable } from '../../common/validation';

export class ListWavesQuery {
  /** open (default): what waits; decided: the latest decided ones. */
  @Omittable()
  @IsIn(['open', 'decided'])
  status?: 'open' | 'decided';
}

export class DecideWaveDto {
  /** A wave is approved or removed as a whole; escalate its members one by one. */
  @IsIn(['approve', 'remove'])
  action!: 'approve' | 'remove';

  /** One of the configured reasons for the action (GET /api/system lists them). */
  @IsString()
  @Length(1, 100)
  reason!: string;

  @Omittable()
  @IsString()
  @MaxLength(4000)
  note?: string;
}

/** "Find posts like this": a text, or a flag whose post to start from. */
export class SimilarPostsQuery {
  @Omittable()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 2000)
  text?: string;

  @Omittable()
  @IsUUID()
  flagId?: string;
}
