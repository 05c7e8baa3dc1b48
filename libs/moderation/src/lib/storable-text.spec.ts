import { storableText, truncateText, unstorableFields, unstorableString } from './storable-text';

describe('what PostgreSQL cannot store', () => {
  it('is U+0000 and an unpaired surrogate; emoji and other text are fine', () => {
    expect(unstorableString('a\u0000b')).toMatch(/U\+0000/);
    expect(unstorableString('\ud83d')).toMatch(/unpaired/);
    expect(unstorableString('x\udc00')).toMatch(/unpaired/);
    expect(unstorableString('ok 👍🏽 ü ∑ \t\n')).toBeNull();
  });

  it('is found anywhere in a value, keys included, by path', () => {
    expect(
      unstorableFields({ a: [1, 'ok', { b: 'x\u0000' }], ['k\ud800']: null }).map((f) => f.field),
    ).toStrictEqual(['a.2.b', 'k\ud800']);
    expect(unstorableFields('\u0000', 'q')).toMatchObject([{ field: 'q' }]);
    expect(unstorableFields('\u0000')).toMatchObject([{ field: '(root)' }]);
  });

  it('stops at a depth, as one error there', () => {
    expect(unstorableFields([[['\u0000']]], '', 2)).toStrictEqual([
      { field: '0.0', errors: ['is nested more than 2 levels deep'] },
    ]);
  });

  it('is never made by a cut: truncation keeps surrogate pairs whole', () => {
    expect(truncateText('ab👍c', 3)).toBe('ab');
    expect(truncateText('ab👍c', 4)).toBe('ab👍');
    expect(truncateText('abc', 5)).toBe('abc');
    for (let max = 1; max < 12; max++)
      expect(unstorableString(truncateText('👍🏽x👍🏽y', max))).toBeNull();
  });

  it('is replaced, in text from elsewhere, by U+FFFD and cut without splitting a pair', () => {
    expect(storableText('HTTP 500: bad\u0000input \uD800 and \uDC00', 100)).toBe(
      'HTTP 500: bad\uFFFDinput \uFFFD and \uFFFD',
    );
    expect(storableText('ok 😀', 4)).toBe('ok ');
    expect(storableText('fine text', 100)).toBe('fine text');
  });
});
