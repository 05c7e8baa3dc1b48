import { hasRole, ROLES } from './roles';

describe('roles', () => {
  it('are ordered: each role can do what the roles before it can', () => {
    expect(ROLES).toStrictEqual(['viewer', 'reviewer', 'policy_admin', 'admin']);
    expect(hasRole('admin', 'policy_admin')).toBe(true);
    expect(hasRole('policy_admin', 'reviewer')).toBe(true);
    expect(hasRole('reviewer', 'reviewer')).toBe(true);
    expect(hasRole('reviewer', 'policy_admin')).toBe(false);
    expect(hasRole('viewer', 'reviewer')).toBe(false);
  });
});
