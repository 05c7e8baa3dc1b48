import { atStoredPrecision, roundScore } from './categories';

/** PostgreSQL's `real` as Node sees it back: the float4 nearest, printed shortest, parsed. */
const throughReal = (score: number) => Number(Math.fround(score).toPrecision(9));

describe('scores at stored precision', () => {
  it('keeps six significant digits at any magnitude', () => {
    expect(roundScore(0.123456789)).toBe(0.123457);
    expect(roundScore(0.9999996)).toBe(1);
    expect(roundScore(1.23456789e-7)).toBe(1.23457e-7);
    expect(roundScore(0.5)).toBe(0.5);
    expect(roundScore(0)).toBe(0);
  });

  it('makes magnitudes below real’s normal range 0, and never -0', () => {
    expect(roundScore(1e-40)).toBe(0);
    expect(Object.is(roundScore(-0), 0)).toBe(true);
  });

  it('gives back what a real column gives back, so stored events replay to the same decision', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) ** 3;
    const changed: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const rounded = roundScore(random());
      // Six digits survive the trip through float4 (FLT_DIG), which PostgreSQL prints shortest.
      if (roundScore(throughReal(rounded)) !== rounded) changed.push(rounded);
    }
    expect(changed).toStrictEqual([]);
  });

  it('rounds every category and keeps the names', () => {
    expect(atStoredPrecision({ hate: 0.87654321, pii: 1e-9 })).toStrictEqual({
      hate: 0.876543,
      pii: 1e-9,
    });
  });
});
