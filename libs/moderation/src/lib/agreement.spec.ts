import { cohensKappa } from './agreement';

const pairs = (counts: [string, string, number][]) =>
  counts.flatMap(([a, b, n]) => Array.from({ length: n }, () => [a, b] as const));

describe('cohensKappa', () => {
  it('matches a hand-computed example', () => {
    // 50 items. First reviewer: remove 25, approve 25. Second: remove 30, approve 20.
    // Both remove 20, both approve 15: observed = 35/50 = 0.7.
    // Chance: remove 0.5 × 0.6 + approve 0.5 × 0.4 = 0.5. kappa = (0.7 − 0.5) / 0.5 = 0.4.
    const result = cohensKappa(
      pairs([
        ['remove', 'remove', 20],
        ['remove', 'approve', 5],
        ['approve', 'remove', 10],
        ['approve', 'approve', 15],
      ]),
    );
    expect(result.items).toBe(50);
    expect(result.observed).toBeCloseTo(0.7, 10);
    expect(result.expected).toBeCloseTo(0.5, 10);
    expect(result.kappa).toBeCloseTo(0.4, 10);
  });

  it('handles three labels (hand-computed)', () => {
    // 10 items; diagonal 2 + 2 + 2 = 6 → observed 0.6.
    // First: a 4, b 3, c 3. Second: a 3, b 4, c 3. Chance = .4·.3 + .3·.4 + .3·.3 = 0.33.
    // kappa = (0.6 − 0.33) / 0.67 = 0.40298…
    const result = cohensKappa(
      pairs([
        ['a', 'a', 2],
        ['a', 'b', 2],
        ['b', 'b', 2],
        ['b', 'c', 1],
        ['c', 'c', 2],
        ['c', 'a', 1],
      ]),
    );
    expect(result.kappa).toBeCloseTo(0.27 / 0.67, 10);
  });

  it('is 0 at chance, negative below it, 1 when always the same', () => {
    expect(
      cohensKappa(
        pairs([
          ['x', 'x', 1],
          ['x', 'y', 1],
          ['y', 'x', 1],
          ['y', 'y', 1],
        ]),
      ).kappa,
    ).toBeCloseTo(0, 10);
    expect(
      cohensKappa(
        pairs([
          ['x', 'y', 3],
          ['y', 'x', 3],
        ]),
      ).kappa,
    ).toBeCloseTo(-1, 10);
    expect(cohensKappa(pairs([['x', 'x', 4]])).kappa).toBe(1);
    expect(cohensKappa([]).kappa).toBeNull();
  });
});
