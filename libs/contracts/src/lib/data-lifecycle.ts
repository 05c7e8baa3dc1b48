/** Data that ages out, erasure on request and the transparency report (docs/retention.md). */

export type RetentionKind =
  'allowedEvents' | 'decisions' | 'explanations' | 'histograms' | 'auditLog';

/** What a retention run removed, or a dry run would remove. */
export interface RetentionReportDto {
  dryRun: boolean;
  ranAt: string;
  /** The configured retention per kind, in days. */
  settingsDays: Record<RetentionKind, number>;
  /** Everything older than these goes (allowed events a whole UTC day at a time). */
  cutoffs: Record<RetentionKind, string>;
  allowedEvents: {
    /** Day partitions dropped. */
    partitions: string[];
    removed: number;
    /** Events in those days still referred to (a flag, a pending judge request): kept. */
    movedToKept: number;
    /** Expired days not dropped yet: backtest histograms have not counted them. */
    waitingForHistograms: string[];
  };
  /** Decided flags (with their decisions, notes, explanations, appeals) and the events under them. */
  decisions: { flags: number; events: number };
  explanations: number;
  /** Rows of the hourly and daily score histograms, and of the hourly flag counts. */
  histogramRows: number;
  auditEntries: number;
  tookMs: number;
}

/** GET /api/retention: the settings and the last runs. */
export interface RetentionStatusDto {
  settingsDays: Record<RetentionKind, number>;
  enabled: boolean;
  runEveryMinutes: number;
  /** Day partitions of allowed events that exist, oldest and newest. */
  allowedPartitions: { count: number; oldest: string | null; newest: string | null };
  lastRuns: {
    id: string;
    startedAt: string;
    finishedAt: string | null;
    report: RetentionReportDto | null;
  }[];
}

export interface ErasureDto {
  id: string;
  source: string;
  authorId: string;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  /** Stored events whose text was erased by this request (so far, while it runs). */
  eventsErased: number;
  /**
   * When the last of the author's posts was erased; null while the erasure still runs in the
   * background (the request was answered 202).
   */
  completedAt: string | null;
}

/** What an erasure of this author would touch, shown before an admin confirms it. */
export interface ErasurePreviewDto {
  source: string;
  authorId: string;
  /** Stored posts whose text is not erased yet. */
  storedPosts: number;
  /** Of those, posts with a flag (their decisions stay). */
  flaggedPosts: number;
}

export type TransparencyPeriod = 'day' | 'week' | 'month';
export type Automation = 'automatic' | 'partly' | 'human';

/** One line of the transparency report: decisions of one kind in one period. */
export interface TransparencyRowDto {
  /** The period's first day (UTC), YYYY-MM-DD. */
  period: string;
  category: string;
  /** What was done: remove, approve, escalate (a reviewer), block (automatic, not reviewed). */
  action: string;
  /**
   * automatic: no person decided; partly: a machine flagged or blocked it and a person decided;
   * human: a person decided on something a person reported (appeals' outcomes count here).
   */
  automation: Automation;
  decisions: number;
}

export interface TransparencyReportDto {
  from: string;
  to: string;
  period: TransparencyPeriod;
  generatedAt: string;
  rows: TransparencyRowDto[];
  appeals: { period: string; received: number; upheld: number; overturned: number; open: number }[];
  totals: {
    decisions: number;
    byAutomation: Record<Automation, number>;
    appeals: number;
    overturned: number;
    erasures: number;
  };
}

/** Why an event or appeal went to the dead-letter topic (its `sieve-dlq-reason` header). */
export const DEAD_LETTER_REASONS = [
  'invalid_json',
  'invalid_encoding',
  'invalid_event',
  'text_too_large',
  'empty_text',
  'mistral_rejected',
  'conflicting_event_id',
  'erased_event_id',
  'invalid_appeal',
  'appeal_refused',
] as const;
export type DeadLetterReasonDto = (typeof DEAD_LETTER_REASONS)[number];

/** GET /api/dead-letters: per reason, how many, when the first and last failed, the latest few. */
export interface DeadLetterSurveyDto {
  topic: string;
  total: number;
  byReason: Record<
    string,
    {
      count: number;
      firstFailedAt: string | null;
      lastFailedAt: string | null;
      latest: { from: string; key: string | null; detail: string; failedAt: string | null }[];
    }
  >;
}

/** What a replay sent back (or, in a dry run, would send). */
export interface DeadLetterReplayDto {
  dryRun: boolean;
  read: number;
  /** Sent back to their original topic (or, in a dry run, that would be). */
  replayed: number;
  /** Per original topic. */
  byTopic: Record<string, number>;
  skipped: {
    /** Cut to fit the dead-letter topic: the whole message is at its original offset. */
    truncated: number;
    /** Erased at the author's request: the dead letter holds no text, on purpose. */
    erased: number;
    /** From a topic Sieve does not consume (a forged or foreign dead letter). */
    foreignTopic: number;
  };
}
