import type { AuditPageDto } from '@sieve/contracts';
import { queryString, request } from './client';

export type { AuditEntryDto as AuditEntry } from '@sieve/contracts';

export interface AuditFilters {
  action?: string;
  objectType?: string;
}

export const listAudit = (filters: AuditFilters, cursor?: string) =>
  request<AuditPageDto>(`/audit${queryString({ ...filters, cursor, limit: 50 })}`);
