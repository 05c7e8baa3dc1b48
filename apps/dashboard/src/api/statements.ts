import type { StatementBacklogDto, StatementDto } from '@sieve/contracts';
import { config } from '../config';
import { queryString, request, send } from './client';

export type { StatementDto as Statement } from '@sieve/contracts';

export const listStatements = (flagId: string) =>
  request<StatementDto[]>(`/statements${queryString({ flagId })}`);
export const statementBacklog = () => request<StatementBacklogDto>('/statements/backlog');
export const editStatement = (id: string, decisionFacts: string) =>
  send<StatementDto>('PATCH', `/statements/${encodeURIComponent(id)}`, { decisionFacts });
export const finalizeStatement = (id: string) =>
  send<StatementDto>('POST', `/statements/${encodeURIComponent(id)}/finalize`);
/** The export is a download: a plain link with the session cookie. */
export const statementsExportUrl = (from: string, to: string, format: 'csv' | 'json') =>
  `${config.apiBaseUrl}/statements/export${queryString({ from, to, format })}`;
