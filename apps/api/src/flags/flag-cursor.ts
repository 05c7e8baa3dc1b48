import { BadRequestException } from '@nestjs/common';

export interface FlagCursor {
  createdAt: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Keyset cursor over (created_at DESC, id DESC). Microsecond precision matters: Postgres keeps
 * microseconds, so the cursor carries the timestamp as Postgres printed it, not a JS Date.
 */
export function encodeFlagCursor(cursor: FlagCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

export function decodeFlagCursor(value: string): FlagCursor {
  try {
    const [createdAt, id] = JSON.parse(
      Buffer.from(value, 'base64url').toString('utf8'),
    ) as unknown[];
    if (
      typeof createdAt === 'string' &&
      !Number.isNaN(Date.parse(createdAt)) &&
      typeof id === 'string' &&
      UUID.test(id)
    ) {
      return { createdAt, id };
    }
  } catch {
    // fall through
  }
  throw new BadRequestException({
    message: 'Validation failed',
    details: [
      { field: 'cursor', errors: ['cursor must be a nextCursor returned by this endpoint'] },
    ],
  });
}
