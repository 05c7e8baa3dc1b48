import type { Role, User } from './auth';
import { request, send } from './client';

export interface NewUser {
  email: string;
  displayName: string;
  role: Role;
  password: string;
  /** They choose their own password when they first sign in (the api's default). */
  mustChangePassword: boolean;
}

export const listUsers = () => request<User[]>('/users');
export const createUser = (user: NewUser) => send<User>('POST', '/users', user);
export const updateUser = (
  id: string,
  changes: Partial<Pick<User, 'role' | 'disabled' | 'displayName'>>,
) => send<User>('PATCH', `/users/${encodeURIComponent(id)}`, changes);
/** An admin's new password for someone who lost theirs: their sessions end. */
export const resetPassword = (id: string, password: string, mustChangePassword: boolean) =>
  send<void>('POST', `/users/${encodeURIComponent(id)}/password`, {
    password,
    mustChangePassword,
  });
/** Removes someone's second factor (a lost phone): they are signed out and set up a new one. */
export const resetSecondFactor = (id: string) =>
  send<void>('DELETE', `/users/${encodeURIComponent(id)}/second-factor`);
