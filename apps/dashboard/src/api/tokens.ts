import type { ApiTokenDto } from '@sieve/contracts';
import type { Role } from './auth';
import { request, send } from './client';

export type { ApiTokenDto as ApiToken } from '@sieve/contracts';

export interface NewToken {
  name: string;
  role: Role;
  /** ISO time; the api's default lifetime when absent. */
  expiresAt?: string;
}

export const listTokens = () => request<ApiTokenDto[]>('/tokens');
/** The secret is in this answer only: Sieve keeps its hash. */
export const createToken = (token: NewToken) =>
  send<ApiTokenDto & { token: string }>('POST', '/tokens', token);
export const revokeToken = (id: string) =>
  send<void>('DELETE', `/tokens/${encodeURIComponent(id)}`);
