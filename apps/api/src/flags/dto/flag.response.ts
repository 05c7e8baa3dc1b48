import type { CategoryRule, CategoryScores, TriggeredCategory } from '@sieve/moderation';
import type { FlagStatus } from '../entities/flag.entity';
import type { ClaimDto, DecisionRecordDto, NoteDto } from './review.dto';

export interface FlaggedEventDto {
  source: string;
  eventId: string;
  authorId: string;
  text: string;
  lang: string | null;
  context: { threadId?: string; url?: string } | null;
  createdAt: string;
}

export interface FlagSummaryDto {
  id: string;
  status: FlagStatus;
  autoDecision: 'review' | 'block';
  triggered: TriggeredCategory[];
  maxScore: number;
  createdAt: string;
  /** Who is reviewing it now (an unexpired lease), or null. */
  claim: ClaimDto | null;
  /** The reviewer's outcome once decided. */
  finalAction: 'approve' | 'remove' | null;
  event: FlaggedEventDto;
}

export interface FlagPageDto {
  items: FlagSummaryDto[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export interface FlagDetailDto extends FlagSummaryDto {
  scores: CategoryScores;
  model: string;
  policyVersion: number;
  scoredAt: string;
  /** The rules of the policy version that raised the flag, to draw scores against. */
  thresholds: Record<string, CategoryRule>;
  /** Every reviewer decision, undone ones included, oldest first. */
  decisions: DecisionRecordDto[];
  notes: NoteDto[];
}
