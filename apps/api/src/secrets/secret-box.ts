import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'sealed:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A key's name in what it sealed: not secret, it only says which configured key opens it. */
const keyId = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

/** A key as configured: 32 bytes in base64, as `openssl rand -base64 32` prints them. */
export const SECRETS_KEY_PATTERN = /^[A-Za-z0-9+/]{43}=$/;

export const secretsKeyBytes = (text: string) => Buffer.from(text, 'base64');

export class SecretOpenError extends Error {}

/**
 * Secrets Sieve must read back (TOTP secrets, webhook signing secrets) are sealed with AES-256-GCM
 * under a key kept outside the database (SECRETS_KEY), so a copy of the database alone gives
 * neither. The context (what the secret is, and whose) is authenticated with it: a sealed value
 * copied to another row does not open there. Without a key, values are kept as they are.
 * Values sealed with a previous key (SECRETS_PREVIOUS_KEYS) still open, and are resealed.
 */
export class SecretBox {
  private readonly current: { id: string; key: Buffer } | null;
  private readonly byId = new Map<string, Buffer>();

  constructor(current: Buffer | null, previous: Buffer[] = []) {
    this.current = current ? { id: keyId(current), key: current } : null;
    for (const key of [...previous, ...(current ? [current] : [])]) this.byId.set(keyId(key), key);
  }

  get sealing(): boolean {
    return this.current !== null;
  }

  seal(plain: string, context: string): string {
    if (!this.current) return plain;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(context));
    const sealed = Buffer.concat([
      iv,
      cipher.update(plain, 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return `${PREFIX}${this.current.id}:${sealed.toString('base64url')}`;
  }

  open(stored: string, context: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    const [id = '', data = ''] = stored.slice(PREFIX.length).split(':');
    const key = this.byId.get(id);
    if (!key)
      throw new SecretOpenError(
        `a secret sealed with key ${id} cannot be opened: that key is not in SECRETS_KEY or SECRETS_PREVIOUS_KEYS`,
      );
    const bytes = Buffer.from(data, 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretOpenError(`a secret sealed with key ${id} does not open for ${context}`);
    }
  }

  /** Whether a stored value should be sealed again: kept as it is, or under a previous key. */
  needsResealing(stored: string): boolean {
    return this.current !== null && !stored.startsWith(`${PREFIX}${this.current.id}:`);
  }
}
