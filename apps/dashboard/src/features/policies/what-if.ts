import type { BacktestDataDto } from '@sieve/contracts';
import {
  type CategoryRule,
  type Policy,
  qualityAt,
  ruleFor,
  sweep,
  type SweepPoint,
  type ThresholdQuality,
  volumeAtOrAbove,
} from '@sieve/moderation';

export interface CategoryWhatIf {
  category: string;
  live: { flagged: number; auto: number; quality: ThresholdQuality | null };
  draft: { flagged: number; auto: number; quality: ThresholdQuality | null };
  curve: SweepPoint[];
}

/** Of a histogram's events, those a rule would flag and auto-action (none when it is off). */
function volumeUnder(counts: number[] | undefined, rule: CategoryRule | undefined) {
  if (!counts || !rule?.enabled) return { flagged: 0, auto: 0 };
  return {
    flagged: volumeAtOrAbove(counts, rule.reviewThreshold),
    auto:
      rule.autoActionThreshold === undefined
        ? 0
        : volumeAtOrAbove(counts, rule.autoActionThreshold),
  };
}

/** Events a policy would flag / auto-action in one category, per source rules included. */
function volumes(data: BacktestDataDto, policy: Policy, category: string) {
  let flagged = 0;
  let auto = 0;
  for (const [source, byCategory] of Object.entries(data.histograms)) {
    const v = volumeUnder(byCategory[category], ruleFor(policy, category, source));
    flagged += v.flagged;
    auto += v.auto;
  }
  return { flagged, auto };
}

/** One source's events in one category that each policy would flag / auto-action. */
export function sourceWhatIf(
  histograms: BacktestDataDto['histograms'],
  live: Policy,
  draft: Policy,
  source: string,
  category: string,
) {
  const counts = histograms[source]?.[category];
  return {
    live: volumeUnder(counts, ruleFor(live, category, source)),
    draft: volumeUnder(counts, ruleFor(draft, category, source)),
  };
}

const quality = (data: BacktestDataDto, rule: CategoryRule | undefined, category: string) =>
  rule?.enabled ? qualityAt(data.labelled[category] ?? [], rule.reviewThreshold) : null;

/** Every category's figures under the live policy and the draft, from one BacktestDataDto. */
export function whatIf(data: BacktestDataDto, live: Policy, draft: Policy): CategoryWhatIf[] {
  return Object.keys(draft.rules).map((category) => {
    const all = Object.values(data.histograms)
      .map((byCategory) => byCategory[category])
      .filter((c): c is number[] => !!c);
    const combined = all.reduce(
      (sum, counts) => sum.map((n, i) => n + (counts[i] ?? 0)),
      new Array<number>(101).fill(0),
    );
    return {
      category,
      live: {
        ...volumes(data, live, category),
        quality: quality(data, live.rules[category], category),
      },
      draft: {
        ...volumes(data, draft, category),
        quality: quality(data, draft.rules[category], category),
      },
      curve: sweep(data.labelled[category] ?? [], combined),
    };
  });
}

export const percent = (n: number | null) => (n === null ? '—' : `${Math.round(n * 100)}%`);

/** "+12%", "−3%", "±0", or "new" when there was nothing before. */
export function change(before: number, after: number): string {
  if (before === after) return '±0';
  if (before === 0) return 'new';
  const p = Math.round(((after - before) / before) * 100);
  return `${p > 0 ? '+' : '−'}${Math.abs(p)}%`;
}
