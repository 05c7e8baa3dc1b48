import type { AuthorStrikes } from '@sieve/moderation';
import { queryString, request } from './client';

export type { AuthorStrikes } from '@sieve/moderation';

export const authorStrikes = (source: string, authorId: string) =>
  request<AuthorStrikes>(`/authors/strikes${queryString({ source, authorId })}`);
