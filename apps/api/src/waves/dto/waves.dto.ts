import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';

export class ListWavesQuery {
  /** open (default): what waits; decided: the latest decided ones. */
  @IsOptional()
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

  @IsOptional()
  @IsString()
  @MaxLength(4000)
  note?: string;
}

/** "Find posts like this": a text, or a flag whose post to start from. */
export class SimilarPostsQuery {
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 2000)
  text?: string;

  @IsOptional()
  @IsUUID()
  flagId?: string;
}
