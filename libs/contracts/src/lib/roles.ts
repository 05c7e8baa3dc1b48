/** Each role can do everything the roles before it can. */
export const ROLES = ['viewer', 'reviewer', 'policy_admin', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function hasRole(actual: Role, required: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(required);
}

export const ROLE_LABELS: Record<Role, string> = {
  viewer: 'Viewer',
  reviewer: 'Reviewer',
  policy_admin: 'Policy admin',
  admin: 'Admin',
};
