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

/** Events a policy would flag / auto-action in one category, per source rules included. */
function volumes(data: BacktestDataDto, policy: Policy, category: string) {
  let flagged = 0;
  let auto = 0;
  for (const [source, byCategory] of Object.entries(data.histograms)) {
    const counts = byCategory[category];
    const rule = ruleFor(policy, category, source);
    if (!counts || !rule?.enabled) continue;
    flagged += volumeAtOrAbove(counts, rule.reviewThreshold);
    if (rule.autoActionThreshold !== undefined)
      auto += volumeAtOrAbove(counts, rule.autoActionThreshold);
  }
  return { flagged, auto };
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
