import type { CategoryScores } from './categories';
import type { DsaStatement } from './dsa-statement';
import type { Decision, TriggeredCategory } from './policy';
import type { AccountRecommendation } from './strikes';

/**
 * What Sieve publishes on `moderation.decisions`, keyed by event id (an erasure's completion by
 * its erasure id). Delivery is at least once: deduplicate automatic decisions by
 * `(source, eventId)`, reviewer, precedent and appeal decisions by `decisionId`, account
 * recommendations by `(source, authorId, recommendedAt)`.
 */
export type DecisionMessage =
  | AutomaticDecisionMessage
  | ReviewerDecisionMessage
  | PrecedentDecisionMessage
  | AppealDecisionMessage
  | UserNoticeMessage
  | AccountRecommendationMessage
  | ErasureMessage
  | ErasureCompletedMessage;

/** The pipeline's decision when the event was scored. */
export interface AutomaticDecisionMessage {
  schemaVersion: 1;
  kind: 'automatic';
  eventId: string;
  source: string;
  decision: Decision;
  /** Categories at or over a threshold, most severe first. Empty when allowed. */
  triggered: TriggeredCategory[];
  scores: CategoryScores;
  model: string;
  policyVersion: number;
  /** When the event was scored (not when this message was sent: replays repeat it unchanged). */
  decidedAt: string;
  /**
   * Custom categories the judge has still to decide on (docs/custom-policies.md): another
   * automatic decision follows within seconds if it changes anything. Absent when none.
   */
  judging?: string[];
}

export type ReviewerAction = 'approve' | 'remove' | 'escalate';

/** What a reviewer's action means for the platform. */
export const DECISION_FOR_ACTION: Record<ReviewerAction, Decision> = {
  approve: 'allow',
  remove: 'block',
  escalate: 'review',
};

/** A human decision on a flagged event; `undone: true` withdraws an earlier one with the same id. */
export interface ReviewerDecisionMessage {
  schemaVersion: 1;
  kind: 'reviewer';
  decisionId: string;
  eventId: string;
  source: string;
  action: ReviewerAction;
  decision: Decision;
  reason: string;
  reviewerId: string;
  policyVersion: number;
  decidedAt: string;
  undone: boolean;
}

/** The decided posts a decision by precedent followed. */
export interface PrecedentGrounds {
  /** How many posts reviewers decided this way, each at least `minSimilarity` alike (cosine). */
  count: number;
  minSimilarity: number;
  /** Their flags, nearest first (at most 10). */
  flagIds: string[];
}

/**
 * Sieve decided a flagged event the way reviewers had decided near-copies of it, under the
 * policy's precedent rule (docs/waves.md): an automated decision, no person looked at this post.
 */
export interface PrecedentDecisionMessage {
  schemaVersion: 1;
  kind: 'precedent';
  decisionId: string;
  eventId: string;
  source: string;
  action: 'approve' | 'remove';
  decision: Decision;
  reason: string;
  precedent: PrecedentGrounds;
  /** The policy version whose precedent rule applied. */
  policyVersion: number;
  decidedAt: string;
}

/** Reasons a reviewer picks from, per action; installations override them (REVIEW_REASONS). */
export const DEFAULT_REVIEW_REASONS: Record<ReviewerAction, string[]> = {
  approve: [
    'Not harmful',
    'Satire, fiction or quotation',
    'Newsworthy or documentary',
    'Scored out of context',
  ],
  remove: [
    'Hate or harassment',
    'Threat of violence',
    'Sexual content',
    'Self-harm promotion',
    'Dangerous or criminal',
    'Personal data exposed',
    'Spam or scam',
  ],
  escalate: ['Unclear under the policy', 'Legal risk', 'Imminent harm', 'Needs a specialist'],
};

export type AppealOutcome = 'upheld' | 'overturned';

/**
 * The outcome of an author's appeal, decided by a reviewer other than the one who made the
 * appealed decision. `decision` is what stands now: `allow` when overturned (restore the post).
 */
export interface AppealDecisionMessage {
  schemaVersion: 1;
  kind: 'appeal';
  decisionId: string;
  /** The platform's id for the appeal, as submitted. */
  appealId: string;
  eventId: string;
  source: string;
  outcome: AppealOutcome;
  decision: Decision;
  reason: string;
  reviewerId: string;
  policyVersion: number;
  decidedAt: string;
}

/**
 * What the platform shows the author of a restricted post (DSA Art. 17): the statement of
 * reasons, final, and how to appeal. Published once per statement, when it becomes final.
 */
export interface UserNoticeMessage {
  schemaVersion: 1;
  kind: 'notice';
  eventId: string;
  source: string;
  decision: 'block';
  /** The statement's puid, also its id in the Transparency Database. */
  statementId: string;
  statement: DsaStatement;
  appeal: { instructions: string };
  issuedAt: string;
}

/**
 * An author's strikes crossed a threshold (repeat offenders, docs/statements.md), up or down:
 * Sieve recommends an action on the account, or that one it recommended be lifted; the platform
 * decides and acts. `eventId` is the latest post whose restriction still counts (for a fall to
 * `none` with none counted, the author's latest flagged post, or `""` if none is held).
 * `threshold` is the one crossed: the new recommendation's on a climb, the previous one's on a
 * fall. `decision` is `allow` for none, `review` for restrict, `block` for suspend, for routing
 * and webhook filters. Keep the one with the latest `recommendedAt` per `(source, authorId)`.
 */
export interface AccountRecommendationMessage {
  schemaVersion: 1;
  kind: 'account';
  eventId: string;
  source: string;
  authorId: string;
  recommendation: AccountRecommendation;
  previousRecommendation: AccountRecommendation;
  decision: Decision;
  strikes: number;
  threshold: number;
  windowDays: number;
  recommendedAt: string;
}

/**
 * An author's content was erased on request (docs/retention.md): Sieve no longer holds the
 * post's text; its scores and decisions stay for the statistics. One message per stored event
 * of the author; deduplicate by `(erasureId, eventId)`. `decision` is the event's decision, which
 * still stands, for routing and webhook filters.
 */
export interface ErasureMessage {
  schemaVersion: 1;
  kind: 'erasure';
  erasureId: string;
  eventId: string;
  source: string;
  authorId: string;
  decision: Decision;
  erasedAt: string;
}

/**
 * An erasure on request finished: every post of the author stored up to the request is erased,
 * `eventsErased` of them, each announced by its own `erasure` message. One per erasure, keyed by
 * `erasureId`; deduplicate by it. The `erasure` messages are keyed by their posts and so travel
 * on other partitions: this one can arrive before the last of them.
 */
export interface ErasureCompletedMessage {
  schemaVersion: 1;
  kind: 'erasure_completed';
  erasureId: string;
  source: string;
  authorId: string;
  eventsErased: number;
  requestedAt: string;
  completedAt: string;
}
