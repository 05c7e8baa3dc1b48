import { randomBytes } from 'node:crypto';

/**
 * A unique word to find a test's posts by. Letters only: a hex marker can come out all digits
 * ("23897030"), and next to a number in the post the offline scorer rightly reads it as a phone
 * number, flagging the post for personal data before the category the test is about.
 */
export function uniqueMarker(): string {
  return Array.from(randomBytes(8), (b) => String.fromCharCode(97 + (b % 26))).join('');
}
