/** Days each backtest range covers. Histograms are kept for years; whole days are cheap to read. */
export const RANGES = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 } as const;
export type Range = keyof typeof RANGES;

export const describeRange = (range: Range) =>
  range === '24h' ? 'the last 24 hours' : `the last ${RANGES[range]} days`;
