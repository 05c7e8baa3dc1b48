import type {
  BacktestDataDto,
  BacktestSamplesDto,
  JudgeEvaluationDto,
  JudgingStatusDto,
  PolicyDraftInput,
  PolicyVersionDto,
  ShadowReportDto,
} from '@sieve/contracts';
import { queryString, request, send } from './client';

export const listPolicies = () => request<PolicyVersionDto[]>('/policies');

export const createDraft = (basedOn?: number) =>
  send<PolicyVersionDto>('POST', '/policies/drafts', basedOn === undefined ? {} : { basedOn });

export const saveDraft = (version: number, input: PolicyDraftInput) =>
  send<PolicyVersionDto>('PATCH', `/policies/drafts/${version}`, input);

export const discardDraft = (version: number) =>
  send<void>('DELETE', `/policies/drafts/${version}`);

export const publishDraft = (version: number, changeNote: string) =>
  send<PolicyVersionDto>('POST', `/policies/drafts/${version}/publish`, { changeNote });

export const rollbackTo = (version: number, changeNote: string) =>
  send<PolicyVersionDto>('POST', `/policies/${version}/rollback`, { changeNote });

export const getBacktestData = (from: string, to: string) =>
  request<BacktestDataDto>(`/policies/backtest-data${queryString({ from, to })}`);

export const getBacktestSamples = (input: PolicyDraftInput & { from: string; to: string }) =>
  send<BacktestSamplesDto>('POST', '/policies/backtest/samples', input);

export const setShadow = (version: number, enabled: boolean) =>
  send<PolicyVersionDto>('POST', `/policies/drafts/${version}/shadow`, { enabled });

export const getShadowReport = (version: number) =>
  request<ShadowReportDto>(`/policies/${version}/shadow`);

export const evaluateCustomCategory = (version: number, name: string, viaBatchApi = false) =>
  send<JudgeEvaluationDto>(
    'POST',
    `/policies/${version}/custom-categories/${encodeURIComponent(name)}/evaluations`,
    { viaBatchApi },
  );

export const listEvaluations = (name: string) =>
  request<JudgeEvaluationDto[]>(
    `/policies/custom-categories/${encodeURIComponent(name)}/evaluations`,
  );

export const getJudgingStatus = () => request<JudgingStatusDto>('/judging/status');
