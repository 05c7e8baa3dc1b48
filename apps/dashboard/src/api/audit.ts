import { queryString, request } from './client';

export interface AuditEntry {
  id: string;
  at: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  objectType: string | null;
  objectId: string | null;
  ip: string | null;
  before: unknown;
  after: unknown;
  details: unknown;
}

export interface AuditFilters {
  action?: string;
  objectType?: string;
}

export const listAudit = (filters: AuditFilters, cursor?: string) =>
  request<{ items: AuditEntry[]; nextCursor: string | null }>(
    `/audit${queryString({ ...filters, cursor, limit: 50 })}`,
  );
