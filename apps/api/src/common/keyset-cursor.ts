import { BadRequestException } from '@nestjs/common';

/** What each sort-key field may hold; anything else is not a cursor this api made. */
const VALID: Record<string, RegExp> = {
  createdAt: /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/,
  at: /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/,
  rank: /^[0-3]$/,
  score: /^(0|1|0?\.\d+|1\.0+|\d(\.\d+)?(e-?\d+)?)$/,
  id: /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{1,19})$/,
  strikes: /^\d{1,12}(\.\d{1,12})?(e[-+]?\d{1,3})?$/,
  // Free text, as the query fields that carry them allow (it only ever travels as a parameter).
  source: /^[\s\S]{1,128}$/u,
  authorId: /^[\s\S]{1,256}$/u,
};

/**
 * Opaque keyset cursors: base64url JSON of the sort key of the last row of a page. Timestamps
 * travel as Postgres printed them (microseconds), not as JS Dates, so no row is skipped.
 */
export function encodeKeyset(key: Record<string, string>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * The sort key a cursor carries: exactly the `fields` of the list's sort key, each as this api
 * prints it. A cursor missing one (or of another list) is a 400, not a query with a null in it.
 */
export function decodeKeyset<F extends string>(
  value: string,
  fields: readonly F[],
  field = 'cursor',
): Record<F, string> {
  try {
    const key = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
    const wellFormed =
      key !== null &&
      typeof key === 'object' &&
      !Array.isArray(key) &&
      Object.entries(key).every(
        ([k, v]) => typeof v === 'string' && (VALID[k]?.test(v) ?? false),
      ) &&
      fields.every((k) => k in key);
    if (wellFormed) return key as Record<F, string>;
  } catch {
    // fall through
  }
  throw new BadRequestException({
    message: 'Validation failed',
    details: [{ field, errors: [`${field} must be a nextCursor returned by this endpoint`] }],
  });
}
