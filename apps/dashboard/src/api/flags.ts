import type { CategoryRule, CategoryScores, TriggeredCategory } from '@sieve/moderation';
import { queryString, request } from './client';

export type FlagStatus = 'open' | 'claimed' | 'decided' | 'escalated';
export const FLAG_STATUSES: FlagStatus[] = ['open', 'claimed', 'decided', 'escalated'];

export interface FlagSummary {
  id: string;
  status: FlagStatus;
  autoDecision: 'review' | 'block';
  triggered: TriggeredCategory[];
  maxScore: number;
  createdAt: string;
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
}

export interface FlagFilters {
  status?: FlagStatus;
  category?: string;
}

export const listFlags = (filters: FlagFilters, cursor?: string, limit = 50) =>
  request<FlagPage>(`/flags${queryString({ ...filters, cursor, limit })}`);

export const getFlag = (id: string) => request<FlagDetail>(`/flags/${encodeURIComponent(id)}`);
