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

/** `cursor` of a keyset-paginated list: the opaque nextCursor of the previous page. */
export const PageCursor = () =>
  applyDecorators(
    Omittable(),
    Matches(/^[A-Za-z0-9_-]{1,300}$/, {
      message: 'cursor must be a nextCursor returned by this endpoint',
    }),
  );
