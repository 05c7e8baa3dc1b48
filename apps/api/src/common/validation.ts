import {
  type ArgumentMetadata,
  BadRequestException,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';
import { unstorableString } from '@sieve/moderation';

export interface FieldError {
  field: string;
  errors: string[];
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, errors: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Deeper than any DTO goes; a body nested further is refused before anything walks it. */
const MAX_DEPTH = 32;

/**
 * Strings PostgreSQL would refuse (U+0000, lone surrogates), keys included: without this they
 * pass every DTO rule and fail the query, a 500 instead of the caller's mistake named.
 */
function unstorableFields(value: unknown, field: string, depth = 0): FieldError[] {
  const named = field || '(root)';
  if (typeof value === 'string') {
    const why = unstorableString(value);
    return why ? [{ field: named, errors: [why] }] : [];
  }
  if (!value || typeof value !== 'object') return [];
  if (depth >= MAX_DEPTH)
    return [{ field: named, errors: [`is nested more than ${MAX_DEPTH} levels deep`] }];
  return Object.entries(value).flatMap(([key, v]) => {
    const path = field ? `${field}.${key}` : key;
    const why = unstorableString(key);
    return [
      ...(why ? [{ field: path, errors: [`name ${why}`] }] : []),
      ...unstorableFields(v, path, depth + 1),
    ];
  });
}

/**
 * DTO validation at the edge: unknown fields rejected, every failing field named in `details`,
 * and no string in a body, query or path that the database cannot store.
 */
class EdgeValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const details = unstorableFields(value, metadata.data ?? '');
      if (details.length) throw new BadRequestException({ message: 'Validation failed', details });
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new EdgeValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) =>
      new BadRequestException({ message: 'Validation failed', details: flatten(errors) }),
  });
}
