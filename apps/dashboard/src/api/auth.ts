import type { SecondFactorSetupDto, SessionDto, SignedInSessionDto } from '@sieve/contracts';
import { request, send, setCsrfToken } from './client';

export { hasRole, ROLE_LABELS, ROLES, type Role } from '@sieve/contracts';
export type { SessionDto as Session, UserDto as User } from '@sieve/contracts';

export async function getSession(): Promise<SessionDto> {
  const session = await request<SessionDto>('/auth/me');
  setCsrfToken(session.csrfToken);
  return session;
}

/** `code`: for an account with a second factor, the app's 6 digits or a recovery code. */
export async function login(email: string, password: string, code?: string): Promise<SessionDto> {
  const session = await send<SessionDto>('POST', '/auth/login', {
    email,
    password,
    ...(code ? { code } : {}),
  });
  setCsrfToken(session.csrfToken);
  return session;
}

export async function logout(): Promise<void> {
  await send<void>('POST', '/auth/logout');
  setCsrfToken(null);
}

export const changePassword = (currentPassword: string, newPassword: string) =>
  send<void>('POST', '/auth/password', { currentPassword, newPassword });

/** A new authenticator secret and its QR code; nothing changes until `enableSecondFactor`. */
export const beginSecondFactor = () =>
  send<SecondFactorSetupDto>('POST', '/auth/second-factor/setup');
/** Turns it on with a first code from the app; the recovery codes come back this once. */
export const enableSecondFactor = (code: string) =>
  send<{ recoveryCodes: string[] }>('POST', '/auth/second-factor', { code });
export const renewRecoveryCodes = (password: string) =>
  send<{ recoveryCodes: string[] }>('POST', '/auth/second-factor/recovery-codes', { password });
export const disableSecondFactor = (password: string) =>
  send<void>('POST', '/auth/second-factor/disable', { password });

/** Where the signed-in user is signed in, the current session marked. */
export const listSignedInSessions = () => request<SignedInSessionDto[]>('/auth/sessions');
export const endSession = (id: string) =>
  send<void>('DELETE', `/auth/sessions/${encodeURIComponent(id)}`);
/** Signs out everywhere but here. */
export const endOtherSessions = () => send<{ ended: number }>('DELETE', '/auth/sessions');
