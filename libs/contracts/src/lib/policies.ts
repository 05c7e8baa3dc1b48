import type {
  CategoryRule,
  CustomCategory,
  JudgeQuality,
  LabelledScore,
  PrecedentRule,
} from '@sieve/moderation';

export type PolicyStatus = 'draft' | 'published';

/** GET /api/policies, /api/policies/:version. */
export interface PolicyVersionDto {
  version: number;
  status: PolicyStatus;
  /** The version the pipeline applies now. */
  live: boolean;
  categorySetId: string;
  rules: Record<string, CategoryRule>;
  /** Per source: rules replacing the category's rule for events from that source. */
  overrides: Record<string, Record<string, CategoryRule>>;
  /** The platform's own rules, judged by a chat model after their pre-filter. */
  customCategories: CustomCategory[];
  /** Built-in scores this far under a review threshold get the judge's second opinion (0: off). */
  grayZone: number;
  /** Deciding near-copies of posts reviewers decided alike, without a reviewer; null: off. */
  precedent: PrecedentRule | null;
  basedOn: number | null;
  changeNote: string | null;
  createdAt: string;
  createdBy: string | null;
  publishedAt: string | null;
  publishedBy: string | null;
  /** A draft running in shadow on live traffic since then; null otherwise. */
  shadowSince: string | null;
}

/** GET /api/policies/:version/shadow: the live vs shadow comparison so far. */
export interface ShadowReportDto {
  version: number;
  since: string | null;
  /** Events evaluated in shadow. */
  events: number;
  /** How many events got each (live, shadow) pair of decisions. */
  matrix: { live: string; shadow: string; events: number }[];
  /** The most recent events the two decided differently. */
  examples: {
    eventId: string;
    source: string;
    text: string;
    flagId: string | null;
    liveDecision: string;
    shadowDecision: string;
    categories: string[];
  }[];
}

/** PATCH /api/policies/drafts/:version. Thresholds move in steps of 0.01. */
export interface PolicyDraftInput {
  rules: Record<string, CategoryRule>;
  overrides?: Record<string, Record<string, CategoryRule>>;
  customCategories?: CustomCategory[];
  grayZone?: number;
  /** Absent: unchanged; null: off. */
  precedent?: PrecedentRule | null;
}

/** One item of an evaluation: a reviewer decision or one of the rule's examples. */
export interface JudgeEvaluationItemDto {
  from: 'violating_example' | 'allowed_example' | 'reviewer_decision';
  flagId: string | null;
  /** The first 200 characters. */
  text: string;
  expected: boolean;
  predicted: boolean;
  score: number | null;
  evidence: string[];
  /** Set when the judge could not answer (the item counts as not flagged). */
  error: string | null;
}

/** POST /api/policies/:version/custom-categories/:name/evaluations, and the list. */
export interface JudgeEvaluationDto extends JudgeQuality {
  id: string;
  category: string;
  /** The rule version evaluated: publishing a changed rule needs an evaluation of its version. */
  targetVersion: string;
  policyVersion: number;
  judge: string;
  /** True without a Mistral key: the offline similarity judge, not a language model. */
  offline: boolean;
  costUsd: number;
  createdAt: string;
  /** `running` while its Batch API job runs (the figures are zero until then). */
  status: 'running' | 'done' | 'failed';
  viaBatchApi: boolean;
  error: string | null;
  finishedAt: string | null;
  results: JudgeEvaluationItemDto[];
}

/** GET /api/judging/status: the judge, its budget and its backlog. */
export interface JudgingStatusDto {
  judge: { kind: 'mistral' | 'offline'; model: string };
  day: string;
  budgetUsd: number;
  spentUsd: number;
  calls: number;
  cachedAnswers: number;
  /** Events that needed judging and went to review unjudged today. */
  unjudged: number;
  /** The budget or the rate cap is used up: events that need judging go to review. */
  exhausted: null | 'budget_exhausted' | 'rate_capped';
  maxCallsPerMinute: number;
  /** Events waiting for the judge, and how long the oldest has waited. */
  waiting: number;
  oldestWaitingSeconds: number;
  /** The last 7 days, oldest first. */
  days: { day: string; calls: number; cachedAnswers: number; unjudged: number; costUsd: number }[];
}

/**
 * GET /api/policies/backtest-data?from&to: what a what-if needs, aggregated by the database, so
 * the dashboard recomputes every count, curve and ratio as a slider moves without asking again.
 */
export interface BacktestDataDto {
  from: string;
  to: string;
  /** Stored events in the rolled-up hours of the range. */
  events: number;
  /**
   * Per source, per category: events per score bucket of 0.01 (101 buckets; the last is 1.0),
   * over the whole hours of the range that are rolled up (events settle for about a minute).
   */
  histograms: Record<string, Record<string, number[]>>;
  /** Per category: reviewed items' scores with the verdict (remove/escalate = harmful). */
  labelled: Record<string, LabelledScore[]>;
  /** Histograms include events scored before this; null before the first rollup. */
  histogramsThrough: string | null;
  /** Milliseconds the database took. */
  tookMs: number;
}

/** POST /api/policies/backtest/samples: events the draft would newly flag or stop flagging. */
export interface BacktestSampleDto {
  eventId: string;
  source: string;
  text: string;
  flagId: string | null;
  liveDecision: string;
  draftDecision: string;
  categories: string[];
}

export interface BacktestSamplesDto {
  newlyFlagged: BacktestSampleDto[];
  noLongerFlagged: BacktestSampleDto[];
}
