import type { SessionDto } from '@sieve/contracts';
import { request, send, setCsrfToken } from './client';

export { hasRole, ROLE_LABELS, ROLES, type Role } from '@sieve/contracts';
export type { SessionDto as Session, UserDto as User } from '@sieve/contracts';

export async function getSession(): Promise<SessionDto> {
  const session = await request<SessionDto>('/auth/me');
  setCsrfToken(session.csrfToken);
  return session;
}

export async function login(email: string, password: string): Promise<SessionDto> {
  const session = await send<SessionDto>('POST', '/auth/login', { email, password });
  setCsrfToken(session.csrfToken);
  return session;
}

export async function logout(): Promise<void> {
  await send<void>('POST', '/auth/logout');
  setCsrfToken(null);
}

export const changePassword = (currentPassword: string, newPassword: string) =>
  send<void>('POST', '/auth/password', { currentPassword, newPassword });
