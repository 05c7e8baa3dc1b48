/**
 * @jest-environment node
 */
import type { BacktestDataDto } from '@sieve/contracts';
import type { Policy } from '@sieve/moderation';
import { change, whatIf } from './what-if';

const buckets = (entries: Record<number, number>) =>
  Array.from({ length: 101 }, (_, i) => entries[i] ?? 0);

const data: BacktestDataDto = {
  from: '2026-11-18T00:00:00Z',
  to: '2026-11-25T00:00:00Z',
  events: 30,
  histograms: {
    forum: { pii: buckets({ 10: 10, 60: 5, 95: 2 }) },
    'kids-chat': { pii: buckets({ 30: 4, 60: 1 }) },
  },
  labelled: {
    pii: [
      { score: 0.95, harmful: true },
      { score: 0.6, harmful: false },
    ],
  },
  histogramsThrough: '2026-11-25T00:00:00Z',
  tookMs: 3,
};

const policy = (reviewThreshold: number, overrides?: Policy['overrides']): Policy => ({
  version: 1,
  categorySetId: 'mistral-moderation-2603',
  rules: { pii: { enabled: true, reviewThreshold, autoActionThreshold: 0.9 } },
  overrides,
});

describe('whatIf', () => {
  it('counts per source with overrides, and scores precision and recall on reviewed items', () => {
    const [pii] = whatIf(
      data,
      policy(0.5),
      policy(0.7, { 'kids-chat': { pii: { enabled: true, reviewThreshold: 0.25 } } }),
    );
    expect(pii.live).toMatchObject({ flagged: 5 + 2 + 1, auto: 2 });
    expect(pii.live.quality).toMatchObject({ precision: 0.5, recall: 1 });
    // Forum at 0.70: the 0.95s; kids' chat at 0.25: everything from 0.30 up, never blocked.
    expect(pii.draft).toMatchObject({ flagged: 2 + 5, auto: 2 });
    expect(pii.draft.quality).toMatchObject({ precision: 1, recall: 1 });
    expect(pii.curve).toHaveLength(21);
    expect(pii.curve[0].volume).toBe(22);
  });

  it('describes changes for people', () => {
    expect(change(10, 12)).toBe('+20%');
    expect(change(10, 7)).toBe('−30%');
    expect(change(5, 5)).toBe('±0');
    expect(change(0, 3)).toBe('new');
  });
});
