import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, Matches, Max, Min } from 'class-validator';
import { Omittable } from './validation';

/** `limit` of a keyset-paginated list: 1–200, optional. */
export const PageLimit = () =>
  applyDecorators(
    Omittable(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(200),
  );

/**
 * `cursor` of a keyset-paginated list: the opaque nextCursor of the previous page. A list whose
 * sort key holds free text (an author id) needs a longer one than timestamps and ids do.
 */
export const PageCursor = ({ maxLength = 300 }: { maxLength?: number } = {}) =>
  applyDecorators(
    Omittable(),
    Matches(new RegExp(`^[A-Za-z0-9_-]{1,${maxLength}}$`), {
      message: 'cursor must be a nextCursor returned by this endpoint',
    }),
  );
