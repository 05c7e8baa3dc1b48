import type { Role } from '@sieve/contracts';

export { hasRole, ROLES, type Role } from '@sieve/contracts';

/** Who is making a request: a signed-in user or an API token. */
export interface Principal {
  kind: 'user' | 'token';
  id: string;
  /** For the audit log: the user's e-mail or the token's name. */
  label: string;
  role: Role;
  /** Only for cookie sessions: the token a write must echo in X-CSRF-Token. */
  csrfToken: string | null;
  sessionId: string | null;
  /** An admin set the user's password: until they choose their own, only a few routes admit them. */
  mustChangePassword?: boolean;
  /** Their role requires a second factor (SECOND_FACTOR_REQUIRED_ROLES) and they have none yet. */
  mustSetUpSecondFactor?: boolean;
  /** Their role signs in with a security key (SECURITY_KEY_REQUIRED_ROLES) and they have none yet. */
  mustAddSecurityKey?: boolean;
  /** Set when this request slid the session's idle expiry forward (the cookie follows). */
  renewedUntil?: Date | null;
}
