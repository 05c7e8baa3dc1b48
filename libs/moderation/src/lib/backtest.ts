import type { CategoryScores } from './categories';
import { categoriesNamedBy } from './reason-suggestion';

/**
 * What-if arithmetic for policy teams, on numbers the database has already aggregated:
 * reviewer-labelled scores (see labelsPerCategory) and score histograms.
 */

/** One reviewed item of a category: its score and the reviewer's verdict. */
export interface LabelledScore {
  score: number;
  harmful: boolean;
}

export interface ThresholdQuality {
  threshold: number;
  /** Reviewed items at or above the threshold. */
  flagged: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** Null when nothing is flagged: precision is undefined, not zero. */
  precision: number | null;
  /** Null when no reviewed item is harmful. */
  recall: number | null;
}

/** A decided item, as reviewers last left it. */
export interface ReviewedItem {
  scores: CategoryScores;
  action: 'approve' | 'remove' | 'escalate';
  reason: string;
  /** The categories the flag was raised for. */
  triggered: readonly string[];
}

/**
 * What counts as a label, per category. A removal is a positive label for the categories it was
 * removed for — those its reason names ("Threat of violence") and those its flag was raised
 * for — and a negative one for every other category it has a score in: a post removed for
 * personal data says nothing good about its violence score's threshold. An approval is a
 * negative label everywhere. An escalation is no verdict yet and is left out.
 */
export function labelsPerCategory(items: readonly ReviewedItem[]): Record<string, LabelledScore[]> {
  const labelled: Record<string, LabelledScore[]> = {};
  for (const item of items) {
    if (item.action === 'escalate') continue;
    const categories = Object.keys(item.scores);
    const violated =
      item.action === 'remove'
        ? new Set([...item.triggered, ...categoriesNamedBy(item.reason, categories)])
        : new Set<string>();
    for (const category of categories)
      (labelled[category] ??= []).push({
        score: item.scores[category] ?? 0,
        harmful: violated.has(category),
      });
  }
  return labelled;
}

/** Precision and recall of "flag at or above `threshold`" against reviewer verdicts. */
export function qualityAt(items: readonly LabelledScore[], threshold: number): ThresholdQuality {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const { score, harmful } of items) {
    const flagged = score >= threshold;
    if (flagged && harmful) tp++;
    else if (flagged) fp++;
    else if (harmful) fn++;
  }
  return {
    threshold,
    flagged: tp + fp,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision: tp + fp === 0 ? null : tp / (tp + fp),
    recall: tp + fn === 0 ? null : tp / (tp + fn),
  };
}

/** Buckets of 0.01: `counts[i]` events scored in [i/100, (i+1)/100); `counts[100]` scored 1. */
export const HISTOGRAM_BUCKETS = 101;

/** Events at or above a threshold, for thresholds on the 0.01 grid the sliders move on. */
export function volumeAtOrAbove(counts: readonly number[], threshold: number): number {
  const first = Math.max(0, Math.ceil(Math.round(threshold * 1e6) / 1e4));
  let sum = 0;
  for (let i = first; i < counts.length; i++) sum += counts[i] ?? 0;
  return sum;
}

export interface SweepPoint extends ThresholdQuality {
  /** Events in the backtest range at or above the threshold. */
  volume: number;
}

/** Volume, precision and recall as the threshold moves from 0 to 1 in `step`s. */
export function sweep(
  items: readonly LabelledScore[],
  counts: readonly number[],
  step = 0.05,
): SweepPoint[] {
  const points: SweepPoint[] = [];
  const steps = Math.round(1 / step);
  for (let i = 0; i <= steps; i++) {
    const threshold = Math.round(i * step * 100) / 100;
    points.push({ ...qualityAt(items, threshold), volume: volumeAtOrAbove(counts, threshold) });
  }
  return points;
}
