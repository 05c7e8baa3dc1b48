import type { QualityStatsDto } from './quality';
import type { CategoryDefinition, CustomSeverity, ReviewerAction } from '@sieve/moderation';

export interface ScorerInfo {
  kind: 'mistral' | 'offline';
  /** The model that produces scores, as recorded with each scored event. */
  model: string;
  /** For people: shown in the dashboard and the start-up log. */
  label: string;
}

/** What the dashboard needs to know about this installation, e.g. whether scores are Mistral's. */
export interface SystemInfoDto {
  scorer: ScorerInfo;
  review: {
    reasons: Record<ReviewerAction, string[]>;
    claimLeaseSeconds: number;
    undoWindowSeconds: number;
    /** Flags waiting longer than this are overdue. */
    slaMinutes: number;
  };
  policies: {
    /** A published change of flag volume beyond this (in %) needs a second confirmation. */
    confirmChangePercent: number;
  };
  categorySet: string;
  /** The set's categories, then the live policy's custom ones (`custom: true`). */
  categories: (CategoryDefinition & { custom?: true; severity?: CustomSeverity })[];
  /** Who judges custom categories: a Mistral chat model, or the offline similarity judge. */
  judge: { kind: 'mistral' | 'offline'; model: string };
  policyVersion: number;
}

/** GET /api/stats: the numbers behind the Stats page, over the last `days` days. */
export interface StatsDto {
  days: number;
  /** Flags raised per UTC day and category. */
  flagsPerDay: { day: string; category: string; count: number }[];
  queue: { waiting: number; oldestWaitingAt: string | null };
  decisionsByReviewer: { reviewer: string; approve: number; remove: number; escalate: number }[];
  /** Where different reviewers decided identical texts: how often they chose the same action. */
  agreement: { pairs: number; agreed: number };
  /**
   * Per queue: what waits, the oldest open item, items past the queue's SLA, and for items of
   * the period the median and 90th percentile time from flag to first look (first claim) and to
   * a person's decision, in seconds.
   */
  queues: QueueStatsDto[];
  /**
   * Appeals decided in the period, and how many overturned the appealed decision: per category
   * of the item, and per reviewer who made the appealed decision (`null`: the pipeline's block).
   */
  appeals: {
    open: number;
    byCategory: { category: string; decided: number; overturned: number }[];
    byReviewer: { reviewer: string | null; decided: number; overturned: number }[];
  };
  /**
   * Automatic blocks of the period per category: closed by gradual automation without review,
   * decided by a person (the QA sample, or every block where the category is not automated),
   * and overturned by that person. Overturns also count as wrong in the policies page's precision.
   */
  automation: {
    category: string;
    blocks: number;
    closed: number;
    reviewed: number;
    overturned: number;
  }[];
  /**
   * Reviewer quality in the period: accuracy on golden items, and agreement with second
   * reviewers (Cohen's kappa with the number of pairs behind it), per reviewer and per category.
   */
  quality: QualityStatsDto;
  /** Mistral calls of every api replica in the period (tokens and cost by model); null when offline. */
  mistralUsage: {
    requests: number;
    totalTokens: number;
    costUsd: number;
    byModel: Record<string, { requests: number; totalTokens: number; costUsd: number }>;
    /** The date the prices costs are counted with are valid from (MISTRAL_PRICING_FILE). */
    pricesAsOf: string;
  } | null;
}

export interface QueueStatsDto {
  /** The queue's id, and its name. */
  queue: string;
  name: string;
  open: number;
  oldestOpenAt: string | null;
  slaBreaches: number;
  decided: number;
  firstLookP50Seconds: number | null;
  firstLookP90Seconds: number | null;
  decisionP50Seconds: number | null;
  decisionP90Seconds: number | null;
}
