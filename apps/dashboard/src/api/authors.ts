import type { ErasureDto } from '@sieve/contracts';
import type { AuthorStrikes } from '@sieve/moderation';
import { queryString, request, send } from './client';

export type { AuthorStrikes } from '@sieve/moderation';

export const authorStrikes = (source: string, authorId: string) =>
  request<AuthorStrikes>(`/authors/strikes${queryString({ source, authorId })}`);

export const eraseAuthor = (input: { source: string; authorId: string; reason: string }) =>
  send<ErasureDto>('POST', '/authors/erasures', input);
export const listErasures = () => request<ErasureDto[]>('/authors/erasures');
