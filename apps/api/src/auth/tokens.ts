import { createHash, randomBytes } from 'node:crypto';

/** A secret for a cookie or an API token: 256 random bits, URL-safe. */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Secrets are stored as SHA-256: a database leak does not leak live sessions or tokens. */
export function secretHash(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
