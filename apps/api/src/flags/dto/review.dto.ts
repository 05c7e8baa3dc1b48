import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
} from 'class-validator';
import type { ReviewerAction } from '@sieve/moderation';

export const REVIEWER_ACTIONS: ReviewerAction[] = ['approve', 'remove', 'escalate'];

export class DecideFlagDto {
  @IsIn(REVIEWER_ACTIONS)
  action!: ReviewerAction;

  /** One of the configured reasons for the action (GET /api/system lists them). */
  @IsString()
  @Length(1, 100)
  reason!: string;

  @IsOptional()
  @IsString()
  @MaxLength(4000)
  note?: string;
}

export class BulkDecideDto extends DecideFlagDto {
  @IsUUID('4', { each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  ids!: string[];
}

export class AddNoteDto {
  @IsString()
  @Length(1, 4000)
  text!: string;
}

export interface ClaimDto {
  userId: string;
  displayName: string;
  expiresAt: string;
}

export interface DecisionRecordDto {
  id: string;
  action: ReviewerAction;
  reason: string;
  note: string | null;
  reviewer: string | null;
  createdAt: string;
  undoneAt: string | null;
}

export interface NoteDto {
  id: string;
  text: string;
  author: string | null;
  createdAt: string;
}

export interface BulkResultDto {
  id: string;
  outcome: 'decided' | 'conflict' | 'forbidden' | 'not_found' | 'invalid';
  message?: string;
}
