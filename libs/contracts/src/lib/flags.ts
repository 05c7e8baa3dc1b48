import type {
  CategoryRule,
  CategoryScores,
  PrecedentGrounds,
  ReviewerAction,
  StrikeLevel,
  TriggeredCategory,
} from '@sieve/moderation';

/** Stored: open, escalated, decided. "claimed" is derived from an unexpired claim lease. */
export const FLAG_STATUSES = ['open', 'claimed', 'decided', 'escalated'] as const;
export type FlagStatus = (typeof FLAG_STATUSES)[number];

export interface ClaimDto {
  userId: string;
  displayName: string;
  expiresAt: string;
}

export interface FlaggedEventDto {
  source: string;
  eventId: string;
  authorId: string;
  text: string;
  lang: string | null;
  context: { threadId?: string; url?: string } | null;
  createdAt: string;
  /** Set when the author's content was erased on request: `text` is empty, the decision stands. */
  erasedAt: string | null;
}

export interface FlagSummaryDto {
  id: string;
  status: FlagStatus;
  /** The queue it waits (or waited) in. */
  queue: string;
  autoDecision: 'review' | 'block';
  triggered: TriggeredCategory[];
  maxScore: number;
  createdAt: string;
  /** Who is reviewing it now (an unexpired lease), or null. */
  claim: ClaimDto | null;
  /** The reviewer's outcome once decided. */
  finalAction: 'approve' | 'remove' | null;
  /** The author's strikes and level (repeat offenders), when they have any on record. */
  author: { strikes: number; level: StrikeLevel } | null;
  event: FlaggedEventDto;
}

export interface FlagPageDto {
  items: FlagSummaryDto[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export interface DecisionRecordDto {
  id: string;
  action: ReviewerAction;
  reason: string;
  note: string | null;
  /** Null for a former user, and for Sieve's decisions by precedent. */
  reviewer: string | null;
  /** Set when Sieve decided by precedent (no reviewer): the decided posts it followed. */
  precedent: PrecedentGrounds | null;
  createdAt: string;
  undoneAt: string | null;
  /** False: decided while the post was blurred and never revealed; null: not reported. */
  contentRevealed: boolean | null;
}

export interface NoteDto {
  id: string;
  text: string;
  author: string | null;
  createdAt: string;
}

export interface FlagDetailDto extends FlagSummaryDto {
  scores: CategoryScores;
  model: string;
  policyVersion: number;
  scoredAt: string;
  /** The rules of the policy version that raised the flag, to draw scores against. */
  thresholds: Record<string, CategoryRule>;
  /** Every reviewer decision, undone ones included, oldest first. */
  decisions: DecisionRecordDto[];
  notes: NoteDto[];
  /** Spans of the text that drove a score, where the scorer can say (the offline scorer can). */
  highlights: HighlightDto[];
  /** The highlights cover the text up to here: less than its length when their time budget ran out. */
  highlightsCoverChars: number;
  /** What the judge said about custom (and gray-zone) categories, or why it could not say. */
  judgements: JudgementDto[];
}

/** The judge's answer on one category for this post (custom policies). */
export interface JudgementDto {
  category: string;
  judged: boolean;
  /** Why an event that needed judging was not judged (it went to review instead). */
  unjudgedReason:
    'budget_exhausted' | 'rate_capped' | 'invalid_answer' | 'judge_failed' | 'store_failed' | null;
  violates: boolean | null;
  /** The probability of a violation the category's thresholds apply to. */
  score: number | null;
  confidence: number | null;
  /** Verbatim excerpts of the post; the judge's other quotes were dropped. */
  evidence: string[];
  droppedEvidence: number;
  rationale: string | null;
  postAddressesModel: boolean;
  /** The model id, or the offline similarity judge's id. */
  judge: string;
  offline: boolean;
  cached: boolean;
  /** The category runs in shadow mode: recorded, not acted on. */
  shadow: boolean;
  judgedAt: string;
}

export interface HighlightDto {
  start: number;
  end: number;
  category: string;
}

/** What else the author posted recently, with the outcomes, for context. */
export interface FlagContextDto {
  authorRecent: {
    eventId: string;
    text: string;
    /** Erased at the author's request: `text` is empty. */
    erased: boolean;
    createdAt: string;
    decision: 'allow' | 'review' | 'block';
    flagId: string | null;
    status: FlagStatus | null;
    finalAction: 'approve' | 'remove' | null;
  }[];
  /**
   * How similar posts were decided, most similar first: by meaning across all decided flags
   * (text vectors, cosine), or by trigram similarity among the 5,000 most recent ones while the
   * flag has no vector yet (`similarBy`).
   */
  similarDecided: {
    flagId: string;
    text: string;
    finalAction: 'approve' | 'remove' | null;
    reason: string | null;
    decidedAt: string | null;
    similarity: number;
  }[];
  similarBy: 'vectors' | 'trigrams';
  /**
   * Precedent: at least WAVE_PRECEDENT_MIN posts this similar (cosine ≥ WAVE_PRECEDENT_SIMILARITY)
   * were decided by reviewers, all the same way (Sieve's decisions by precedent do not count).
   */
  precedent: { action: 'approve' | 'remove'; count: number; minSimilarity: number } | null;
}

export interface DecisionInput {
  action: ReviewerAction;
  reason: string;
  note?: string;
  /** False when the post stayed blurred (the wellness setting) and was never revealed. */
  contentRevealed?: boolean;
}

/** The answer to "next item": the flag now held for the reviewer, or null when the queue is empty. */
export interface NextFlagDto {
  flagId: string | null;
  claim: ClaimDto | null;
}

export interface DecisionResultDto {
  decisionId: string;
  status: FlagStatus;
}

export interface BulkResultDto {
  id: string;
  outcome: 'decided' | 'conflict' | 'forbidden' | 'not_found' | 'invalid';
  message?: string;
}

/** Sent on GET /api/flags/events (server-sent events) as flags are created, claimed or decided. */
export interface FlagEventDto {
  type: 'flag.created' | 'flag.updated';
  /** The flag ids concerned (a batch of new flags arrives as one event). */
  ids: string[];
}

/** `repeat_offenders`: authors at a strike level first (suspend, restrict, raise), oldest first within. */
export const FLAG_SORTS = ['newest', 'oldest', 'severity', 'repeat_offenders'] as const;
export type FlagSort = (typeof FLAG_SORTS)[number];

/** How many flags match the filters, per status; and how old the oldest waiting one is. */
export interface FlagCountsDto {
  open: number;
  claimed: number;
  escalated: number;
  /**
   * Exact with no filter but the queue (kept counts); with other filters counted up to
   * DECIDED_COUNT_LIMIT: decided flags grow without end, and a tab needs no more.
   */
  decided: number;
  /** More flags than `decided` are decided (the count stopped at DECIDED_COUNT_LIMIT). */
  decidedAtLeast: boolean;
  /** created_at of the oldest flag still waiting (open, claimed or escalated), or null. */
  oldestWaitingAt: string | null;
}

/** Where `GET /flags/counts` stops counting decided flags. */
export const DECIDED_COUNT_LIMIT = 10_000;
