import { describeError } from './client';

describe('describeError', () => {
  it('names the fields the api refused and why', () => {
    expect(
      describeError(
        'Validation failed',
        [{ field: 'lang', errors: ['must be a language tag like en or pt-BR'] }],
        400,
      ),
    ).toBe('Validation failed: lang: must be a language tag like en or pt-BR');
    expect(describeError(undefined, undefined, 502)).toBe('HTTP 502');
  });
});
