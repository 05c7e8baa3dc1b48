import type { AppealDecisionInput, AppealDto, AppealPageDto, AppealStatus } from '@sieve/contracts';
import { queryString, request, send } from './client';

export type { AppealDto as Appeal, AppealStatus } from '@sieve/contracts';

export const listAppeals = (status: AppealStatus, cursor?: string) =>
  request<AppealPageDto>(`/appeals${queryString({ status, cursor })}`);
export const listFlagAppeals = (flagId: string) =>
  request<AppealPageDto>(`/appeals${queryString({ flagId })}`);
export const countAppeals = () => request<{ open: number }>('/appeals/counts');
export const decideAppeal = (id: string, input: AppealDecisionInput) =>
  send<AppealDto>('POST', `/appeals/${encodeURIComponent(id)}/decision`, input);
