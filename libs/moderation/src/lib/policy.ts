import type { CategoryScores, CategorySet } from './categories';
import type { CustomCategory } from './custom-policy';

export type Decision = 'allow' | 'review' | 'block';

export interface CategoryRule {
  enabled: boolean;
  /** A score at or above this creates a flag for human review. */
  reviewThreshold: number;
  /** A score at or above this blocks without review. Absent: never automatic. */
  autoActionThreshold?: number;
}

export interface Policy {
  version: number;
  categorySetId: string;
  rules: Record<string, CategoryRule>;
  /** Per source (e.g. `kids-chat`), rules that replace the category's rule for that source. */
  overrides?: Record<string, Record<string, CategoryRule>>;
  /** The platform's own rules, judged by a chat model after the cheap pre-filter (custom-policy). */
  customCategories?: CustomCategory[];
  /**
   * Width of the band just under a built-in review threshold whose events get the judge's second
   * opinion; 0 (the default) turns it off.
   */
  grayZone?: number;
  /** Deciding near-copies of decided posts without a reviewer; absent or null: off. */
  precedent?: PrecedentRule | null;
}

/**
 * Deciding by precedent (docs/waves.md): a new flag whose post is at cosine ≥ `minSimilarity` to
 * at least `minDecided` posts reviewers decided, all the same way and with one of `actions`, is
 * decided that way by Sieve, without a reviewer (automated, and said so to the platform).
 */
export interface PrecedentRule {
  actions: ('approve' | 'remove')[];
  minDecided: number;
  minSimilarity: number;
}

/** The rule that applies to a category for an event from `source`. */
export function ruleFor(
  policy: Policy,
  category: string,
  source?: string,
): CategoryRule | undefined {
  return (
    (source !== undefined ? policy.overrides?.[source]?.[category] : undefined) ??
    policy.rules[category]
  );
}

export interface TriggeredCategory {
  category: string;
  score: number;
  threshold: number;
  action: Exclude<Decision, 'allow'>;
}

export interface PolicyEvaluation {
  decision: Decision;
  /** Categories at or over a threshold, most severe first (by margin over the threshold). */
  triggered: TriggeredCategory[];
  /** The highest score among triggered categories, or among all when nothing triggered. */
  maxScore: number;
}

/**
 * Applies per-category thresholds to scores. Categories without a rule (a scorer returning
 * names the policy does not know) never trigger; disabled rules never trigger.
 */
export function evaluatePolicy(
  scores: CategoryScores,
  policy: Policy,
  source?: string,
): PolicyEvaluation {
  const triggered: TriggeredCategory[] = [];
  let maxScore = 0;
  for (const [category, score] of Object.entries(scores)) {
    maxScore = Math.max(maxScore, score);
    const rule = ruleFor(policy, category, source);
    if (!rule || !rule.enabled) continue;
    if (rule.autoActionThreshold !== undefined && score >= rule.autoActionThreshold) {
      triggered.push({ category, score, threshold: rule.autoActionThreshold, action: 'block' });
    } else if (score >= rule.reviewThreshold) {
      triggered.push({ category, score, threshold: rule.reviewThreshold, action: 'review' });
    }
  }
  triggered.sort((a, b) => b.score - b.threshold - (a.score - a.threshold));
  const decision: Decision = triggered.some((t) => t.action === 'block')
    ? 'block'
    : triggered.length > 0
      ? 'review'
      : 'allow';
  const triggeredMax = triggered.reduce((max, t) => Math.max(max, t.score), 0);
  return { decision, triggered, maxScore: triggered.length > 0 ? triggeredMax : maxScore };
}

/** Review thresholds a new installation starts with; policy teams tune them from there. */
export const DEFAULT_REVIEW_THRESHOLD = 0.5;

/** A starting policy for a category set: every category reviewed at 0.5, nothing automatic. */
export function defaultPolicy(set: CategorySet, version = 1): Policy {
  return {
    version,
    categorySetId: set.id,
    rules: Object.fromEntries(
      set.categories.map((category) => [
        category.name,
        { enabled: true, reviewThreshold: DEFAULT_REVIEW_THRESHOLD },
      ]),
    ),
  };
}

/** Throws with a readable message when a policy has thresholds outside [0, 1] or inverted ones. */
export function assertValidPolicy(policy: Policy): void {
  const all = [
    ...Object.entries(policy.rules),
    ...Object.entries(policy.overrides ?? {}).flatMap(([source, rules]) =>
      Object.entries(rules).map(([category, rule]) => [`${source}/${category}`, rule] as const),
    ),
  ];
  for (const [category, rule] of all) {
    const inRange = (n: number) => Number.isFinite(n) && n >= 0 && n <= 1;
    if (!inRange(rule.reviewThreshold)) {
      throw new Error(`${category}: reviewThreshold must be between 0 and 1`);
    }
    if (rule.autoActionThreshold !== undefined) {
      if (!inRange(rule.autoActionThreshold)) {
        throw new Error(`${category}: autoActionThreshold must be between 0 and 1`);
      }
      if (rule.autoActionThreshold < rule.reviewThreshold) {
        throw new Error(`${category}: autoActionThreshold must not be below reviewThreshold`);
      }
    }
  }
}
