import type {
  SecondFactorSetupDto,
  SecurityKeyDto,
  SecurityKeysDto,
  SessionDto,
  SignInMethodsDto,
  SignedInSessionDto,
} from '@sieve/contracts';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/browser';
import { request, send, setCsrfToken } from './client';

export { hasRole, ROLE_LABELS, ROLES, type Role } from '@sieve/contracts';
export type { SessionDto as Session, UserDto as User } from '@sieve/contracts';

export async function getSession(): Promise<SessionDto> {
  const session = await request<SessionDto>('/auth/me');
  setCsrfToken(session.csrfToken);
  return session;
}

/** The second step, for an account with a second factor. */
export interface SecondFactorProof {
  /** The authenticator app's 6 digits, or a recovery code. */
  code?: string;
  /** A security key's signature over the challenge the first attempt's 401 handed out. */
  securityKey?: AuthenticationResponseJSON;
}

export async function login(
  email: string,
  password: string,
  proof: SecondFactorProof = {},
): Promise<SessionDto> {
  const session = await send<SessionDto>('POST', '/auth/login', {
    email,
    password,
    ...(proof.code ? { code: proof.code } : {}),
    ...(proof.securityKey ? { securityKey: proof.securityKey } : {}),
  });
  setCsrfToken(session.csrfToken);
  return session;
}

export const signInMethods = () => request<SignInMethodsDto>('/auth/sign-in-methods');

/** A challenge for a passkey sign-in, before anyone says who they are. */
export const passkeyOptions = () =>
  send<PublicKeyCredentialRequestOptionsJSON>('POST', '/auth/passkey/options');

/** Signs in with a passkey's answer alone: no e-mail, no password, no code. */
export async function loginWithPasskey(
  credential: AuthenticationResponseJSON,
): Promise<SessionDto> {
  const session = await send<SessionDto>('POST', '/auth/passkey', { credential });
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

export const listSecurityKeys = () => request<SecurityKeysDto>('/auth/second-factor/security-keys');
/** What the browser needs to make a key (a challenge good for five minutes). */
export const securityKeyOptions = () =>
  send<PublicKeyCredentialCreationOptionsJSON>('POST', '/auth/second-factor/security-keys/options');
export const addSecurityKey = (name: string, credential: RegistrationResponseJSON) =>
  send<SecurityKeyDto>('POST', '/auth/second-factor/security-keys', { name, credential });
export const removeSecurityKey = (id: string) =>
  send<void>('DELETE', `/auth/second-factor/security-keys/${encodeURIComponent(id)}`);

/** Where the signed-in user is signed in, the current session marked. */
export const listSignedInSessions = () => request<SignedInSessionDto[]>('/auth/sessions');
export const endSession = (id: string) =>
  send<void>('DELETE', `/auth/sessions/${encodeURIComponent(id)}`);
/** Signs out everywhere but here. */
export const endOtherSessions = () => send<{ ended: number }>('DELETE', '/auth/sessions');
