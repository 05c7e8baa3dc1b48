/**
 * Routing: which queue a new flag waits in. Ordered rules, the first that matches wins; none
 * matching, the default queue. Gradual automation samples a share of a category's automatic
 * blocks into the QA queue for a person to confirm and closes the rest. Pure.
 */
import type { TriggeredCategory } from './policy';

export const DEFAULT_QUEUE = 'default';
export const SENIOR_QUEUE = 'senior';
export const QA_QUEUE = 'qa';

/** Queue ids: lower-case words joined by hyphens, as in URLs. */
export const QUEUE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Every condition given must hold; an empty condition matches every flag. */
export interface RoutingCondition {
  /** At least one of these categories triggered (with `minScore`, at that score or above). */
  categories?: string[];
  /** The highest triggered score (of `categories`, when given) is at least this. */
  minScore?: number;
  sources?: string[];
  /** Language tags; "fr" matches "fr" and "fr-CA". Posts without a language match none. */
  languages?: string[];
  /** The author has at least this many strikes. */
  minStrikes?: number;
  /** true: only automatic blocks; false: only flags waiting for a first decision. */
  automatic?: boolean;
}

export interface RoutingRule {
  name: string;
  queue: string;
  when: RoutingCondition;
}

export interface RoutingRules {
  rules: RoutingRule[];
  /**
   * Gradual automation, per category: the share (0–1) of its automatic blocks that a person
   * confirms in the QA queue; the other blocks are closed without review. Categories not
   * listed keep every automatic block in the queues.
   */
  qaShares: Record<string, number>;
}

export const EMPTY_ROUTING: RoutingRules = { rules: [], qaShares: {} };

/** What routing knows about a new flag. */
export interface RoutingFacts {
  triggered: Pick<TriggeredCategory, 'category' | 'score'>[];
  source: string;
  lang: string | null;
  /** The author's strikes now (0 when unknown). */
  strikes: number;
  automatic: boolean;
  /** A stable key of the event (its source and id), for the QA sample. */
  sampleKey: string;
}

export interface Route {
  queue: string;
  /** The index of the rule that matched, null for the fallback or the QA sample. */
  rule: number | null;
  /** An automatic block of an automated category that was not sampled: no one needs to look. */
  closed: boolean;
}

export function matchesCondition(when: RoutingCondition, facts: RoutingFacts): boolean {
  if (when.categories?.length || when.minScore !== undefined) {
    const scored = when.categories?.length
      ? facts.triggered.filter((t) => when.categories?.includes(t.category))
      : facts.triggered;
    if (scored.length === 0) return false;
    const top = Math.max(...scored.map((t) => t.score));
    if (when.minScore !== undefined && top < when.minScore) return false;
  }
  if (when.sources?.length && !when.sources.includes(facts.source)) return false;
  if (when.languages?.length) {
    const primary = facts.lang?.toLowerCase().split('-')[0];
    if (!primary) return false;
    if (!when.languages.some((l) => l.toLowerCase().split('-')[0] === primary)) return false;
  }
  if (when.minStrikes !== undefined && facts.strikes < when.minStrikes) return false;
  if (when.automatic !== undefined && when.automatic !== facts.automatic) return false;
  return true;
}

/**
 * An automatic block of a category with a QA share goes to the QA queue when sampled (the
 * sample is a hash of the event's key, so a replay samples the same way) and is closed
 * otherwise; every other flag takes the first rule that matches.
 */
export function routeFlag(routing: RoutingRules, facts: RoutingFacts): Route {
  if (facts.automatic) {
    const share = qaShareFor(routing, facts.triggered);
    if (share !== null) {
      return sampled(facts.sampleKey, share)
        ? { queue: QA_QUEUE, rule: null, closed: false }
        : { queue: QA_QUEUE, rule: null, closed: true };
    }
  }
  const index = routing.rules.findIndex((rule) => matchesCondition(rule.when, facts));
  return index === -1
    ? { queue: DEFAULT_QUEUE, rule: null, closed: false }
    : { queue: routing.rules[index].queue, rule: index, closed: false };
}

/** The largest QA share among the triggered categories that are automated, null when none is. */
function qaShareFor(routing: RoutingRules, triggered: RoutingFacts['triggered']): number | null {
  let share: number | null = null;
  for (const t of triggered) {
    const s = routing.qaShares[t.category];
    if (s !== undefined) share = Math.max(share ?? 0, s);
  }
  return share;
}

/** Whether `key` falls in a sample of `share` (0–1): FNV-1a of the key, uniform over 2^32. */
export function sampled(key: string, share: number): boolean {
  if (share <= 0) return false;
  if (share >= 1) return true;
  return fnv1a(key) / 2 ** 32 < share;
}

export function fnv1a(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  // Final avalanche (murmur3's fmix32), so keys differing in their last characters spread too.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** Problems with a rule set, for a 422; empty when it can be published. */
export function routingProblems(
  routing: RoutingRules,
  queues: readonly string[],
  categories: readonly string[],
): string[] {
  const problems: string[] = [];
  routing.rules.forEach((rule, i) => {
    const at = `rules[${i}]`;
    if (!rule.name.trim()) problems.push(`${at}.name is empty`);
    if (!queues.includes(rule.queue)) problems.push(`${at}.queue "${rule.queue}" does not exist`);
    for (const c of rule.when.categories ?? [])
      if (!categories.includes(c)) problems.push(`${at}.when.categories: unknown category "${c}"`);
  });
  for (const [category, share] of Object.entries(routing.qaShares)) {
    if (!categories.includes(category)) problems.push(`qaShares: unknown category "${category}"`);
    if (!(share >= 0 && share <= 1)) problems.push(`qaShares.${category} must be between 0 and 1`);
  }
  return problems;
}
