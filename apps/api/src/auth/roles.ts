/** Each role can do everything the roles before it can. */
export const ROLES = ['viewer', 'reviewer', 'policy_admin', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function hasRole(actual: Role, required: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(required);
}

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
}
