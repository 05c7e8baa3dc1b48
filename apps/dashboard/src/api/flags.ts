import type { CategoryRule, CategoryScores, TriggeredCategory } from '@sieve/moderation';
import { queryString, request, send } from './client';

export type FlagStatus = 'open' | 'claimed' | 'decided' | 'escalated';
export const FLAG_STATUSES: FlagStatus[] = ['open', 'claimed', 'decided', 'escalated'];

export interface FlagSummary {
  id: string;
  status: FlagStatus;
  autoDecision: 'review' | 'block';
  triggered: TriggeredCategory[];
  maxScore: number;
  createdAt: string;
  claim: Claim | null;
  finalAction: 'approve' | 'remove' | null;
  event: {
    source: string;
    eventId: string;
    authorId: string;
    text: string;
    lang: string | null;
    context: { threadId?: string; url?: string } | null;
    createdAt: string;
  };
}

export interface FlagPage {
  items: FlagSummary[];
  nextCursor: string | null;
}

export interface FlagDetail extends FlagSummary {
  scores: CategoryScores;
  model: string;
  policyVersion: number;
  scoredAt: string;
  thresholds: Record<string, CategoryRule>;
  decisions: DecisionRecord[];
  notes: Note[];
}

export type ReviewerAction = 'approve' | 'remove' | 'escalate';

export interface Claim {
  userId: string;
  displayName: string;
  expiresAt: string;
}

export interface DecisionRecord {
  id: string;
  action: ReviewerAction;
  reason: string;
  note: string | null;
  reviewer: string | null;
  createdAt: string;
  undoneAt: string | null;
}

export interface Note {
  id: string;
  text: string;
  author: string | null;
  createdAt: string;
}

export interface Decision {
  action: ReviewerAction;
  reason: string;
  note?: string;
}

export interface BulkResult {
  id: string;
  outcome: 'decided' | 'conflict' | 'forbidden' | 'not_found' | 'invalid';
  message?: string;
}

export interface FlagFilters {
  status?: FlagStatus;
  category?: string;
}

export const listFlags = (filters: FlagFilters, cursor?: string, limit = 50) =>
  request<FlagPage>(`/flags${queryString({ ...filters, cursor, limit })}`);

export const getFlag = (id: string) => request<FlagDetail>(`/flags/${encodeURIComponent(id)}`);

export const claimFlag = (id: string) =>
  send<Claim>('POST', `/flags/${encodeURIComponent(id)}/claim`);
export const releaseFlag = (id: string) =>
  send<void>('DELETE', `/flags/${encodeURIComponent(id)}/claim`);
export const decideFlag = (id: string, decision: Decision) =>
  send<{ decisionId: string; status: FlagStatus }>(
    'POST',
    `/flags/${encodeURIComponent(id)}/decision`,
    decision,
  );
export const undoDecision = (id: string) =>
  send<{ status: FlagStatus }>('POST', `/flags/${encodeURIComponent(id)}/decision/undo`);
export const addNote = (id: string, text: string) =>
  send<Note>('POST', `/flags/${encodeURIComponent(id)}/notes`, { text });
export const bulkDecide = (ids: string[], decision: Decision) =>
  send<BulkResult[]>('POST', '/flags/bulk-decision', { ids, ...decision });
