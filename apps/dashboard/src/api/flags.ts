import type {
  BulkResultDto,
  ClaimDto,
  DecisionInput,
  DecisionResultDto,
  FlagContextDto,
  FlagDetailDto,
  FlagPageDto,
  NextFlagDto,
  FlagCountsDto,
  FlagSort,
  FlagStatus,
  NoteDto,
} from '@sieve/contracts';
import { queryString, request, send } from './client';

export { FLAG_SORTS, FLAG_STATUSES } from '@sieve/contracts';
export type {
  BulkResultDto as BulkResult,
  ClaimDto as Claim,
  DecisionInput as Decision,
  DecisionRecordDto as DecisionRecord,
  FlagDetailDto as FlagDetail,
  FlagPageDto as FlagPage,
  FlagSort,
  FlagStatus,
  FlagSummaryDto as FlagSummary,
  NoteDto as Note,
} from '@sieve/contracts';
export type { ReviewerAction } from '@sieve/moderation';

export interface FlagFilters {
  /** A queue's id; none: every queue. */
  queue?: string;
  status?: FlagStatus;
  category?: string;
  source?: string;
  authorId?: string;
  lang?: string;
  q?: string;
  minScore?: number;
  /** Flagged within this window before now. */
  since?: FlagWindow;
  sort?: FlagSort;
  /** Members of open waves left out (the queue shows each wave as one row). */
  collapseWaves?: boolean;
}

export const FLAG_WINDOWS = { '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000 } as const;
export type FlagWindow = keyof typeof FLAG_WINDOWS;

/** The api's parameters: a window becomes `from`, computed when the request is made. */
function apiFilters({ since, collapseWaves: _collapse, ...filters }: FlagFilters) {
  const from = since ? new Date(Date.now() - FLAG_WINDOWS[since]).toISOString() : undefined;
  return { ...filters, from };
}

const flagPath = (id: string) => `/flags/${encodeURIComponent(id)}`;

export const listFlags = (filters: FlagFilters, cursor?: string, limit = 50) =>
  request<FlagPageDto>(
    `/flags${queryString({
      ...apiFilters(filters),
      collapseWaves: filters.collapseWaves ? 'true' : undefined,
      cursor,
      limit,
    })}`,
  );
export const getFlagCounts = ({ status: _status, sort: _sort, ...filters }: FlagFilters) =>
  request<FlagCountsDto>(`/flags/counts${queryString(apiFilters(filters))}`);
export const getFlag = (id: string) => request<FlagDetailDto>(flagPath(id));
/**
 * Claims the queue's next flag for this reviewer (never one another reviewer is taking); in a
 * queue, whatever waits there; without one, open flags of every queue they work in.
 */
export const nextFlag = (
  { status, ...filters }: Omit<FlagFilters, 'status'> & { status?: 'open' | 'escalated' },
  after?: string,
) =>
  send<NextFlagDto>('POST', `/flags/next${queryString({ ...apiFilters(filters), status, after })}`);
export const getFlagContext = (id: string) => request<FlagContextDto>(`${flagPath(id)}/context`);
export const claimFlag = (id: string) => send<ClaimDto>('POST', `${flagPath(id)}/claim`);
export const releaseFlag = (id: string) => send<void>('DELETE', `${flagPath(id)}/claim`);
export const decideFlag = (id: string, decision: DecisionInput) =>
  send<DecisionResultDto>('POST', `${flagPath(id)}/decision`, decision);
export const undoDecision = (id: string) =>
  send<{ status: FlagStatus }>('POST', `${flagPath(id)}/decision/undo`);
export const addNote = (id: string, text: string) =>
  send<NoteDto>('POST', `${flagPath(id)}/notes`, { text });
export const bulkDecide = (ids: string[], decision: DecisionInput) =>
  send<BulkResultDto[]>('POST', '/flags/bulk-decision', { ids, ...decision });
