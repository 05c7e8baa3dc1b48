import type { CookieOptions } from 'express';
import type { AppConfig } from '../config/app-config';

export const SESSION_COOKIE = 'sieve_session';

/** httpOnly, SameSite=Strict, only under /api, Secure in production unless told otherwise. */
export function sessionCookieOptions(
  config: Pick<AppConfig, 'COOKIE_SECURE' | 'NODE_ENV'>,
  expires?: Date,
): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.COOKIE_SECURE ?? config.NODE_ENV === 'production',
    path: '/api',
    expires,
  };
}
