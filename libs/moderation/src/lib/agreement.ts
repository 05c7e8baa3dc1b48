/**
 * Agreement between two reviewers who judged the same items (second review): Cohen's kappa,
 * observed agreement corrected for the agreement their label frequencies would give by chance.
 * Pure.
 */

export interface Agreement {
  /** Items both judged. */
  items: number;
  /** Share of items with the same label. */
  observed: number;
  /** Share expected by chance from each reviewer's label frequencies. */
  expected: number;
  /**
   * (observed − expected) / (1 − expected); 1 is perfect agreement, 0 is chance. Null with no
   * items; 1 when both always gave the one same label (nothing to disagree on, and they did not).
   */
  kappa: number | null;
}

export function cohensKappa(pairs: readonly (readonly [string, string])[]): Agreement {
  const items = pairs.length;
  if (items === 0) return { items, observed: 0, expected: 0, kappa: null };
  const first = new Map<string, number>();
  const second = new Map<string, number>();
  let same = 0;
  for (const [a, b] of pairs) {
    if (a === b) same++;
    first.set(a, (first.get(a) ?? 0) + 1);
    second.set(b, (second.get(b) ?? 0) + 1);
  }
  const observed = same / items;
  let expected = 0;
  for (const [label, n] of first) expected += (n / items) * ((second.get(label) ?? 0) / items);
  const kappa = expected === 1 ? 1 : (observed - expected) / (1 - expected);
  return { items, observed, expected, kappa };
}
