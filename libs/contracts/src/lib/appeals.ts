import type { AppealOutcome, TriggeredCategory } from '@sieve/moderation';

export const APPEAL_STATUSES = ['open', 'upheld', 'overturned'] as const;
export type AppealStatus = (typeof APPEAL_STATUSES)[number];
export const APPEAL_OUTCOMES = ['upheld', 'overturned'] as const satisfies readonly AppealOutcome[];

/** An author's appeal, as the appeals queue and the item's history show it. */
export interface AppealDto {
  id: string;
  /** The platform's id for the appeal. */
  appealId: string;
  source: string;
  eventId: string;
  flagId: string;
  status: AppealStatus;
  /** The author's words: untrusted content, shown as text. */
  statement: string;
  submittedBy: string;
  submittedAt: string;
  /** The decision being appealed. */
  appealed: {
    kind: 'automatic' | 'reviewer';
    reason: string | null;
    /** Who made it (a reviewer decision); they may not decide the appeal. */
    reviewerId: string | null;
    reviewer: string | null;
    decidedAt: string | null;
  };
  decidedBy: string | null;
  decidedAt: string | null;
  outcomeReason: string | null;
  /**
   * The appealed post. `erasedAt` is set once the author's content was erased on request: `text`
   * is then empty (and so is `statement`, if the appeal came before the erasure).
   */
  post: { text: string; authorId: string; triggered: TriggeredCategory[]; erasedAt: string | null };
}

export interface AppealPageDto {
  items: AppealDto[];
  nextCursor: string | null;
}

export interface AppealDecisionInput {
  outcome: AppealOutcome;
  reason: string;
}

/** The answer to a submission: `created: false` when this appealId was submitted before. */
export interface AppealReceiptDto {
  id: string;
  status: AppealStatus;
  created: boolean;
}
