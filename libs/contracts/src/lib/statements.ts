import type { DsaStatement } from '@sieve/moderation';

/** A statement of reasons as the item view and the export show it. */
export interface StatementDto {
  id: string;
  puid: string;
  flagId: string;
  madeBy: 'automatic' | 'reviewer';
  /** draft: a reviewer may still edit the facts; final: sent to the author (and the database). */
  status: 'draft' | 'final' | 'withdrawn';
  statement: DsaStatement;
  createdAt: string;
  finalAt: string | null;
  /** For a draft: when it becomes final by itself. */
  editableUntil: string | null;
  submission: 'not_submitted' | 'pending' | 'accepted' | 'rejected';
  submitError: string | null;
  submittedAt: string | null;
}

/** Where submission to the Transparency Database stands. */
export interface StatementBacklogDto {
  /** Whether TDB_BASE_URL is set. */
  submitting: boolean;
  drafts: number;
  pending: number;
  accepted: number;
  rejected: number;
  oldestPendingSeconds: number;
  lastError: string | null;
}
