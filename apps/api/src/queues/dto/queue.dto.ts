import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { QUEUE_ORDERINGS, type QueueOrdering } from '@sieve/contracts';
import { QUEUE_ID_PATTERN } from '@sieve/moderation';
import { Omittable } from '../../common/validation';

const DECIDING_ROLES = ['reviewer', 'policy_admin', 'admin'] as const;
type DecidingRole = (typeof DECIDING_ROLES)[number];

export class UpdateQueueDto {
  @Omittable()
  @IsString()
  @Length(1, 80)
  name?: string;

  @Omittable()
  @IsString()
  @MaxLength(1000)
  description?: string;

  /** Everyone at this role or above is a member; null: only `memberIds`. */
  @IsOptional()
  @IsIn([...DECIDING_ROLES, null])
  memberRole?: DecidingRole | null;

  @Omittable()
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  memberIds?: string[];

  @Omittable()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  leadIds?: string[];

  @Omittable()
  @IsIn(DECIDING_ROLES)
  decideRole?: DecidingRole;

  @Omittable()
  @IsInt()
  @Min(1)
  @Max(60 * 24 * 30)
  slaMinutes?: number;

  @Omittable()
  @IsIn(QUEUE_ORDERINGS)
  ordering?: QueueOrdering;

  @Omittable()
  @IsNumber()
  @Min(0)
  @Max(1)
  goldenRate?: number;

  @Omittable()
  @IsNumber()
  @Min(0)
  @Max(1)
  secondReviewRate?: number;
}

export class CreateQueueDto extends UpdateQueueDto {
  @Matches(QUEUE_ID_PATTERN, {
    message: 'id must be lower-case letters, digits and hyphens, such as "french" (at most 40)',
  })
  id!: string;

  @IsString()
  @Length(1, 80)
  declare name: string;
}

export class RoutingConditionDto {
  @Omittable()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  categories?: string[];

  @Omittable()
  @IsNumber()
  @Min(0)
  @Max(1)
  minScore?: number;

  @Omittable()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 128, { each: true })
  sources?: string[];

  @Omittable()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, {
    each: true,
    message: 'languages must be language tags such as "fr"',
  })
  languages?: string[];

  @Omittable()
  @IsNumber()
  @Min(0)
  minStrikes?: number;

  @Omittable()
  @IsBoolean()
  automatic?: boolean;
}

export class RoutingRuleDto {
  @IsString()
  @Length(1, 80)
  name!: string;

  @IsString()
  queue!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => RoutingConditionDto)
  when!: RoutingConditionDto;
}

/** A rule set: checked against the queues and categories by RoutingService (422 naming the field). */
export class RoutingRulesDto {
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => RoutingRuleDto)
  rules!: RoutingRuleDto[];

  /** Category → share (0–1) of its automatic blocks a person confirms in the QA queue. */
  @Omittable()
  @IsObject()
  qaShares?: Record<string, number>;
}

export class PublishRoutingDto extends RoutingRulesDto {
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  changeNote!: string;
}

export class MoveFlagDto {
  @IsString()
  queue!: string;

  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class AssignFlagDto {
  @IsUUID()
  userId!: string;
}
