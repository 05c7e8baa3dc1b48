import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsString,
  IsUUID,
  Length,
  MaxLength,
} from 'class-validator';
import type { ReviewerAction } from '@sieve/moderation';
import { Omittable } from '../../common/validation';

export const REVIEWER_ACTIONS: ReviewerAction[] = ['approve', 'remove', 'escalate'];

export class DecideFlagDto {
  @IsIn(REVIEWER_ACTIONS)
  action!: ReviewerAction;

  /** One of the configured reasons for the action (GET /api/system lists them). */
  @IsString()
  @Length(1, 100)
  reason!: string;

  @Omittable()
  @IsString()
  @MaxLength(4000)
  note?: string;

  /**
   * Whether the reviewer saw the post: false when it stayed blurred (sensitive content, the
   * reviewer's wellness setting) - recorded with the decision and shown in its history.
   */
  @Omittable()
  @IsBoolean()
  contentRevealed?: boolean;
}

export class BulkDecideDto extends DecideFlagDto {
  @IsUUID('all', { each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  ids!: string[];
}

export class AddNoteDto {
  @IsString()
  @Length(1, 4000)
  text!: string;
}

export type { BulkResultDto, ClaimDto, DecisionRecordDto, NoteDto } from '@sieve/contracts';
