import { categorySetById } from '../categories';
import { scoreOffline } from './offline-scorer';
import { findPii } from './pii';

/** 32 KB: the largest post ingest accepts by default (INGEST_MAX_TEXT_BYTES). */
const SIZE = 32 * 1024;
const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

/**
 * Posts built to make each pattern backtrack: long runs of what one part of a pattern accepts,
 * never completed. A linear pattern reads them in about a millisecond; the quadratic e-mail
 * pattern this replaces took ~500 ms on one of them, blocking the api's event loop that long.
 * The bound is 50× looser than the linear time and 10× tighter than the quadratic one.
 */
const PATHOLOGICAL: Record<string, string> = {
  'e-mail local part, no @': fill('a'),
  'e-mail local part with dots': fill('a.'),
  'e-mail domain, no dot': `a@${fill('b')}`,
  'e-mail domain, one-letter labels': `a@${fill('b.')}`,
  'many @': fill('a@'),
  'phone-like digits': fill('1'),
  'phone separators': fill('1 -'),
  'card-like digits with spaces': fill('1 '),
  'IBAN-like run': `DE12${fill('A')}`,
  'IBAN with spaces': `DE12${fill(' A')}`,
  'plus signs': fill('+1'),
};

describe('findPii on pathological posts', () => {
  const names = categorySetById('mistral-moderation-2603').categories.map((c) => c.name);

  it.each(Object.entries(PATHOLOGICAL))('reads "%s" in linear time', (_name, text) => {
    const started = performance.now();
    findPii(text);
    scoreOffline(text, names);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('still finds addresses, including one right after another word', () => {
    const text = 'write to jane.doe@example.org, or x@y.de; not a@b or @c.com';
    expect(findPii(text).map((m) => text.slice(m.start, m.end))).toEqual([
      'jane.doe@example.org',
      'x@y.de',
    ]);
  });
});
