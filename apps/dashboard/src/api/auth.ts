import { request, send, setCsrfToken } from './client';

/** Mirrors the api's roles: each can do everything the roles before it can. */
export const ROLES = ['viewer', 'reviewer', 'policy_admin', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const hasRole = (actual: Role, required: Role) =>
  ROLES.indexOf(actual) >= ROLES.indexOf(required);
export const ROLE_LABELS: Record<Role, string> = {
  viewer: 'Viewer',
  reviewer: 'Reviewer',
  policy_admin: 'Policy admin',
  admin: 'Admin',
};

export interface User {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

export interface Session {
  user: User;
  csrfToken: string;
}

export async function getSession(): Promise<Session> {
  const session = await request<Session>('/auth/me');
  setCsrfToken(session.csrfToken);
  return session;
}

export async function login(email: string, password: string): Promise<Session> {
  const session = await send<Session>('POST', '/auth/login', { email, password });
  setCsrfToken(session.csrfToken);
  return session;
}

export async function logout(): Promise<void> {
  await send<void>('POST', '/auth/logout');
  setCsrfToken(null);
}

export const changePassword = (currentPassword: string, newPassword: string) =>
  send<void>('POST', '/auth/password', { currentPassword, newPassword });
