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
