import {
  type ArgumentMetadata,
  BadRequestException,
  type PipeTransform,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';
import { ValidateIf } from 'class-validator';
import { unstorableFields } from '@sieve/moderation';

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

/**
 * DTO validation at the edge: unknown fields rejected, every failing field named in `details`,
 * and no string in a body, query or path that the database cannot store (it would pass every DTO
 * rule and fail the query: a 500 instead of the caller's mistake named). Bodies nested deeper
 * than any DTO goes (32) are refused before anything walks them.
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

/**
 * A field that may be left out. Unlike `@IsOptional()`, `null` is not let through unchecked: it
 * is refused by the field's rules, unless they allow it, instead of reaching the database as
 * "no value" for a column that must have one.
 */
export const Omittable = () => ValidateIf((_object, value) => value !== undefined);

const MAX_INTEGER = 2_147_483_647;

/**
 * A whole number in a path (a policy version): positive and within PostgreSQL's `integer`, so
 * that a number too large for the column is the caller's mistake named, not a failed query.
 */
export class ParsePositiveIntPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    if (/^[1-9][0-9]{0,9}$/.test(value) && Number(value) <= MAX_INTEGER) return Number(value);
    const field = metadata.data ?? 'value';
    throw new BadRequestException({
      message: 'Validation failed',
      details: [{ field, errors: [`${field} must be a whole number from 1 to ${MAX_INTEGER}`] }],
    });
  }
}
