import type {
  DeadLetterReplayDto,
  DeadLetterSurveyDto,
  RetentionReportDto,
  RetentionStatusDto,
  TransparencyPeriod,
  TransparencyReportDto,
} from '@sieve/contracts';
import { config } from '../config';
import { queryString, request, send } from './client';

export type {
  RetentionReportDto as RetentionReport,
  RetentionStatusDto as RetentionStatus,
  TransparencyPeriod,
  TransparencyReportDto as TransparencyReport,
} from '@sieve/contracts';

export const transparencyReport = (from: string, to: string, period: TransparencyPeriod) =>
  request<TransparencyReportDto>(`/reports/transparency${queryString({ from, to, period })}`);
/** A download: a plain link with the session cookie. */
export const transparencyExportUrl = (
  from: string,
  to: string,
  period: TransparencyPeriod,
  format: 'csv' | 'json',
) => `${config.apiBaseUrl}/reports/transparency${queryString({ from, to, period, format })}`;

export const retentionStatus = () => request<RetentionStatusDto>('/retention');
export const retentionDryRun = () => send<RetentionReportDto>('POST', '/retention/dry-run');

export const deadLetterSurvey = () => request<DeadLetterSurveyDto>('/dead-letters');
export const replayDeadLetters = (reasons: string[], dryRun: boolean) =>
  send<DeadLetterReplayDto>('POST', '/dead-letters/replay', { reasons, dryRun });
