import { categorySetById } from '../categories';
import { scoreOffline } from './offline-scorer';
import { findPii } from './pii';

/** Four times the largest post ingest accepts by default (INGEST_MAX_TEXT_BYTES, 32 KB). */
const SIZE = 128 * 1024;
const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

/**
 * Posts built to make each pattern backtrack: long runs of what one part of a pattern accepts,
 * never completed. Read linearly, the slowest of them takes the offline scorer ~0.2 s at this
 * size (the PII patterns alone ~20 ms); the quadratic e-mail pattern this replaces needed ~0.5 s
 * at 32 KB, so ~8 s here. The bound sits far from both, so a busy CI machine cannot flip it.
 */
const BOUND_MS = 2_000;
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
    expect(performance.now() - started).toBeLessThan(BOUND_MS);
  });

  it('still finds addresses, including one right after another word', () => {
    const text = 'write to jane.doe@example.org, or x@y.de; not a@b or @c.com';
    expect(findPii(text).map((m) => text.slice(m.start, m.end))).toStrictEqual([
      'jane.doe@example.org',
      'x@y.de',
    ]);
  });
});
