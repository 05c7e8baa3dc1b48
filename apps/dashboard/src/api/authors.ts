import type { ErasureDto, ErasurePreviewDto, RepeatOffendersDto } from '@sieve/contracts';
import type { AuthorStrikes } from '@sieve/moderation';
import { queryString, request, send } from './client';

export type { AuthorStrikes } from '@sieve/moderation';
export type { RepeatOffenderDto, RepeatOffendersDto } from '@sieve/contracts';

export const authorStrikes = (source: string, authorId: string) =>
  request<AuthorStrikes>(`/authors/strikes${queryString({ source, authorId })}`);

export type OffenderLevel = 'raise' | 'restrict' | 'suspend';

export const repeatOffenders = (level: OffenderLevel, cursor?: string) =>
  request<RepeatOffendersDto>(
    `/authors/repeat-offenders${queryString({ level, limit: 100, cursor })}`,
  );

export const eraseAuthor = (input: { source: string; authorId: string; reason: string }) =>
  send<ErasureDto>('POST', '/authors/erasures', input);
export const previewErasure = (source: string, authorId: string) =>
  request<ErasurePreviewDto>(`/authors/erasures/preview${queryString({ source, authorId })}`);
export const listErasures = () => request<ErasureDto[]>('/authors/erasures');
/** How often a view reads an erasure that goes on in the background (202) again. */
export const ERASURE_PROGRESS_MS = 2_000;
export const getErasure = (id: string) =>
  request<ErasureDto>(`/authors/erasures/${encodeURIComponent(id)}`);
