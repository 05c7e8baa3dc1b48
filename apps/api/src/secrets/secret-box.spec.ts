import { randomBytes } from 'node:crypto';
import { SecretBox, SecretOpenError } from './secret-box';

describe('SecretBox', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  it('seals so that the stored value neither shows the secret nor repeats', () => {
    const box = new SecretBox(newKey);
    const a = box.seal('JBSWY3DPEHPK3PXP', 'totp:u1');
    const b = box.seal('JBSWY3DPEHPK3PXP', 'totp:u1');
    expect(a).toMatch(/^sealed:v1:[0-9a-f]{8}:[A-Za-z0-9_-]+$/);
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(a).not.toBe(b);
    expect(box.open(a, 'totp:u1')).toBe('JBSWY3DPEHPK3PXP');
    expect(box.open(b, 'totp:u1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('does not open a value copied to another row, or altered', () => {
    const box = new SecretBox(newKey);
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'totp:u1');
    expect(() => box.open(sealed, 'totp:u2')).toThrow(SecretOpenError);
    const [, , id, data] = sealed.split(':');
    const bytes = Buffer.from(data ?? '', 'base64url');
    bytes[14] = (bytes[14] ?? 0) ^ 1; // a bit of the ciphertext
    const altered = `sealed:v1:${id}:${bytes.toString('base64url')}`;
    expect(() => box.open(altered, 'totp:u1')).toThrow(SecretOpenError);
  });

  it('opens what a previous key sealed, says it needs resealing, and names a missing key', () => {
    const before = new SecretBox(oldKey).seal('whsec_1', 'webhook:w1');
    const rotating = new SecretBox(newKey, [oldKey]);
    expect(rotating.open(before, 'webhook:w1')).toBe('whsec_1');
    expect(rotating.needsResealing(before)).toBe(true);
    expect(rotating.needsResealing(rotating.seal('whsec_1', 'webhook:w1'))).toBe(false);
    expect(() => new SecretBox(newKey).open(before, 'webhook:w1')).toThrow(
      /sealed with key [0-9a-f]{8} cannot be opened: that key is not in SECRETS_KEY or SECRETS_PREVIOUS_KEYS/,
    );
  });

  it('keeps values as they are without a key, and reads those stored before a key was set', () => {
    const none = new SecretBox(null);
    expect(none.sealing).toBe(false);
    expect(none.seal('whsec_1', 'webhook:w1')).toBe('whsec_1');
    expect(none.needsResealing('whsec_1')).toBe(false);
    const box = new SecretBox(newKey);
    expect(box.open('whsec_1', 'webhook:w1')).toBe('whsec_1');
    expect(box.needsResealing('whsec_1')).toBe(true);
  });
});
