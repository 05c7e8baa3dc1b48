import { BadRequestException } from '@nestjs/common';

/**
 * Opaque keyset cursors: base64url JSON of the sort key of the last row of a page. Timestamps
 * travel as Postgres printed them (microseconds), not as JS Dates, so no row is skipped.
 */
export function encodeKeyset(key: Record<string, string>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeKeyset(value: string, field = 'cursor'): Record<string, string> {
  try {
    const key = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
    if (
      key &&
      typeof key === 'object' &&
      !Array.isArray(key) &&
      Object.values(key).every((v) => typeof v === 'string')
    ) {
      return key as Record<string, string>;
    }
  } catch {
    // fall through
  }
  throw new BadRequestException({
    message: 'Validation failed',
    details: [{ field, errors: [`${field} must be a nextCursor returned by this endpoint`] }],
  });
}
