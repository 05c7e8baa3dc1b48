import { BadRequestException } from '@nestjs/common';
import { createValidationPipe, ParsePositiveIntPipe } from './validation';

const pipe = createValidationPipe();
const refusal = async (
  value: unknown,
  type: 'body' | 'query' | 'param' = 'body',
  data?: string,
) => {
  const error = await pipe.transform(value, { type, data, metatype: Object }).then(
    () => null,
    (e: unknown) => e,
  );
  return error instanceof BadRequestException ? (error.getResponse() as object) : error;
};

describe('the edge validation pipe: strings the database cannot store', () => {
  it('names each field, nested ones by path, and keys too', async () => {
    expect(
      await refusal({
        ok: 'fine',
        note: { text: 'a\u0000b' },
        ids: ['x', '\udc00'],
        ['k\u0000']: 1,
      }),
    ).toStrictEqual({
      message: 'Validation failed',
      details: [
        { field: 'note.text', errors: ['contains the character U+0000, which cannot be stored'] },
        {
          field: 'ids.1',
          errors: ['contains an unpaired UTF-16 surrogate (\\uD800–\\uDFFF without its pair)'],
        },
        {
          field: 'k\u0000',
          errors: ['name contains the character U+0000, which cannot be stored'],
        },
      ],
    });
  });

  it('names a single query or path parameter by its name', async () => {
    expect(await refusal('a\u0000', 'param', 'id')).toMatchObject({
      details: [{ field: 'id' }],
    });
  });

  it('lets paired surrogates (emoji) and everything else through unchanged', async () => {
    const value = { text: 'ok 👍🏽 ü ∑ \t\n', n: 1, nothing: null };
    expect(await pipe.transform(value, { type: 'body', metatype: Object })).toBe(value);
  });

  it('refuses a body nested deeper than any request needs, before walking it', async () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(await refusal(deep)).toMatchObject({
      details: [{ field: Array.from({ length: 32 }, () => '0').join('.') }],
    });
  });
});

describe('a whole number in a path', () => {
  const version = new ParsePositiveIntPipe();
  const parse = (value: string) => version.transform(value, { type: 'param', data: 'version' });

  it('takes 1 up to the largest integer the database stores', () => {
    expect(parse('1')).toBe(1);
    expect(parse('2147483647')).toBe(2_147_483_647);
  });

  it('refuses anything else with the field named, a number too large for the column too', () => {
    for (const value of [
      '0',
      '-1',
      '01',
      '1.5',
      '1e3',
      'abc',
      '',
      '2147483648',
      '99999999999999999999',
    ]) {
      let refused: unknown;
      try {
        parse(value);
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(BadRequestException);
      expect((refused as BadRequestException).getResponse()).toStrictEqual({
        message: 'Validation failed',
        details: [
          { field: 'version', errors: ['version must be a whole number from 1 to 2147483647'] },
        ],
      });
    }
  });
});
