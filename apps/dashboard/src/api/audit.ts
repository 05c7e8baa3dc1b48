import type { AuditPageDto } from '@sieve/contracts';
import { queryString, request } from './client';

export type { AuditEntryDto as AuditEntry } from '@sieve/contracts';

/** What `GET /audit` filters by; `from` and `to` are instants (`to` not included). */
export interface AuditFilters {
  /** An action or a prefix of one: `policy` matches `policy.published`. */
  action?: string;
  actorId?: string;
  objectType?: string;
  objectId?: string;
  from?: string;
  to?: string;
}

export const listAudit = (filters: AuditFilters, cursor?: string) =>
  request<AuditPageDto>(`/audit${queryString({ ...filters, cursor, limit: 50 })}`);
