/**
 * Repeat offenders: strikes per author from the decisions that restricted their posts, weighted
 * by category and by who decided, over a window; levels at configurable thresholds. Pure.
 */
import type { Decision } from './policy';

export const STRIKE_LEVELS = ['none', 'raise', 'restrict', 'suspend'] as const;
export type StrikeLevel = (typeof STRIKE_LEVELS)[number];

export interface StrikeRules {
  windowDays: number;
  /** A category's weight (the heaviest of a post's categories counts); `defaultWeight` otherwise. */
  categoryWeights: Record<string, number>;
  defaultWeight: number;
  /** An automatic block counts this share of a reviewer's removal (no person confirmed it). */
  automaticFactor: number;
  /** Strikes at which each level starts. */
  thresholds: { raise: number; restrict: number; suspend: number };
}

export const DEFAULT_STRIKE_RULES: StrikeRules = {
  windowDays: 90,
  categoryWeights: {
    violence_and_threats: 2,
    violence: 2,
    hate_and_discrimination: 2,
    hate: 2,
    harassment: 2,
    sexual: 2,
    dangerous_and_criminal_content: 2,
    criminal: 2,
    dangerous: 2,
  },
  defaultWeight: 1,
  automaticFactor: 0.5,
  thresholds: { raise: 2, restrict: 4, suspend: 8 },
};

/** A decision that restricted one of the author's posts (overturned ones are not restrictions). */
export interface RestrictedPost {
  flagId: string;
  decidedAt: Date;
  categories: string[];
  madeBy: 'automatic' | 'reviewer';
}

export interface Strike {
  flagId: string;
  decidedAt: string;
  weight: number;
  /** Why it weighs what it does, for the reviewer. */
  why: string;
}

export interface AuthorStrikes {
  strikes: number;
  level: StrikeLevel;
  /** The counted strikes, newest first. */
  counted: Strike[];
  windowDays: number;
  nextLevel: { level: StrikeLevel; at: number } | null;
}

export function strikesFor(
  posts: readonly RestrictedPost[],
  rules: StrikeRules,
  now: Date,
): AuthorStrikes {
  const since = now.getTime() - rules.windowDays * 86_400_000;
  const counted = posts
    .filter((p) => p.decidedAt.getTime() >= since && p.decidedAt.getTime() <= now.getTime())
    .sort((a, b) => b.decidedAt.getTime() - a.decidedAt.getTime())
    .map((p): Strike => {
      const heaviest = p.categories.reduce<{ category: string | null; weight: number }>(
        (best, c) => {
          const w = rules.categoryWeights[c] ?? rules.defaultWeight;
          return w > best.weight ? { category: c, weight: w } : best;
        },
        { category: null, weight: rules.defaultWeight },
      );
      const factor = p.madeBy === 'automatic' ? rules.automaticFactor : 1;
      const weight = round(heaviest.weight * factor);
      const what = heaviest.category
        ? `${heaviest.category} weighs ${heaviest.weight}`
        : `weight ${heaviest.weight}`;
      const who =
        p.madeBy === 'automatic'
          ? `blocked automatically (× ${rules.automaticFactor})`
          : 'removed by a reviewer';
      return {
        flagId: p.flagId,
        decidedAt: p.decidedAt.toISOString(),
        weight,
        why: `${who}; ${what}`,
      };
    });
  const strikes = round(counted.reduce((sum, s) => sum + s.weight, 0));
  const level = levelAt(strikes, rules);
  const next = STRIKE_LEVELS.slice(STRIKE_LEVELS.indexOf(level) + 1)[0] as
    Exclude<StrikeLevel, 'none'> | undefined;
  return {
    strikes,
    level,
    counted,
    windowDays: rules.windowDays,
    nextLevel: next ? { level: next, at: rules.thresholds[next] } : null,
  };
}

export function levelAt(strikes: number, rules: StrikeRules): StrikeLevel {
  if (strikes >= rules.thresholds.suspend) return 'suspend';
  if (strikes >= rules.thresholds.restrict) return 'restrict';
  if (strikes >= rules.thresholds.raise) return 'raise';
  return 'none';
}

/**
 * What Sieve recommends the platform do with an account. `raise` only marks the author's items in
 * the queue, so below `restrict` the recommendation is `none`.
 */
export type AccountRecommendation = 'none' | 'restrict' | 'suspend';

export function accountRecommendationAt(level: StrikeLevel): AccountRecommendation {
  return level === 'restrict' || level === 'suspend' ? level : 'none';
}

/** Whether `previous` → `next` lifts a recommendation (a fall), rather than makes one. */
export function recommendationFell(
  previous: AccountRecommendation,
  next: AccountRecommendation,
): boolean {
  return STRIKE_LEVELS.indexOf(previous) > STRIKE_LEVELS.indexOf(next);
}

/** What each recommendation means as a decision, for routing and webhook filters. */
export const DECISION_FOR_RECOMMENDATION: Record<AccountRecommendation, Decision> = {
  none: 'allow',
  restrict: 'review',
  suspend: 'block',
};

const round = (x: number) => Math.round(x * 100) / 100;
