import { createHash } from 'node:crypto';
import {
  type AppealDecisionMessage,
  type AppealOutcome,
  type AutomaticDecisionMessage,
  DECISION_FOR_ACTION,
  type CategoryScores,
  type Decision,
  type DecisionMessage,
  type PrecedentDecisionMessage,
  type PrecedentGrounds,
  type ReviewerAction,
  type ReviewerDecisionMessage,
  type TriggeredCategory,
} from '@sieve/moderation';

/** A message for moderation.decisions as it goes on the wire. */
export interface DecisionRecord {
  key: string;
  value: string;
  headers: { source: string; kind: DecisionMessage['kind'] };
}

/**
 * The one place a decision message is built. The key is what the message is about, so its
 * messages stay in order on one partition: the event id; an account recommendation's author id
 * (a climb and its lift name different posts); an erasure's completion, which names no event,
 * its erasure id. Every kind has the same headers (`source`, `kind`), so a platform can route
 * them without parsing the body.
 */
export function toDecisionRecord(message: DecisionMessage): DecisionRecord {
  return {
    key: keyOf(message),
    value: JSON.stringify(message),
    headers: { source: message.source, kind: message.kind },
  };
}

function keyOf(message: DecisionMessage): string {
  switch (message.kind) {
    case 'erasure_completed':
      return message.erasureId;
    case 'account':
      return message.authorId;
    case 'appeal':
    case 'automatic':
    case 'erasure':
    case 'notice':
    case 'precedent':
    case 'reviewer':
      return message.eventId;
  }
}

/** What the pipeline decided about an event, and on what grounds. */
export interface DecidedEvent {
  source: string;
  eventId: string;
  model: string;
  scores: CategoryScores;
  policyVersion: number;
  decision: Decision;
  triggered: TriggeredCategory[];
  /** Categories still waiting for the judge, when any. */
  judging?: string[] | null;
}

/** The pipeline's decision on a stored event; `decidedAt` is when it was (re)scored. */
export function automaticDecision(stored: DecidedEvent, decidedAt: Date): AutomaticDecisionMessage {
  return {
    schemaVersion: 1,
    kind: 'automatic',
    eventId: stored.eventId,
    source: stored.source,
    decision: stored.decision,
    triggered: stored.triggered,
    scores: stored.scores,
    model: stored.model,
    policyVersion: stored.policyVersion,
    decidedAt: decidedAt.toISOString(),
    ...(stored.judging?.length ? { judging: stored.judging } : {}),
  };
}

export function reviewerDecision(decision: {
  decisionId: string;
  eventId: string;
  source: string;
  action: ReviewerAction;
  reason: string;
  reviewerId: string;
  policyVersion: number;
  decidedAt: Date;
  undone: boolean;
}): ReviewerDecisionMessage {
  return {
    schemaVersion: 1,
    kind: 'reviewer',
    decisionId: decision.decisionId,
    eventId: decision.eventId,
    source: decision.source,
    action: decision.action,
    decision: DECISION_FOR_ACTION[decision.action],
    reason: decision.reason,
    reviewerId: decision.reviewerId,
    policyVersion: decision.policyVersion,
    decidedAt: decision.decidedAt.toISOString(),
    undone: decision.undone,
  };
}

export function precedentDecision(decision: {
  decisionId: string;
  eventId: string;
  source: string;
  action: 'approve' | 'remove';
  reason: string;
  precedent: PrecedentGrounds;
  policyVersion: number;
  decidedAt: Date;
}): PrecedentDecisionMessage {
  return {
    schemaVersion: 1,
    kind: 'precedent',
    decisionId: decision.decisionId,
    eventId: decision.eventId,
    source: decision.source,
    action: decision.action,
    decision: DECISION_FOR_ACTION[decision.action],
    reason: decision.reason,
    precedent: decision.precedent,
    policyVersion: decision.policyVersion,
    decidedAt: decision.decidedAt.toISOString(),
  };
}

export function appealDecision(decision: {
  decisionId: string;
  appealId: string;
  eventId: string;
  source: string;
  outcome: AppealOutcome;
  reason: string;
  reviewerId: string;
  policyVersion: number;
  decidedAt: Date;
}): AppealDecisionMessage {
  return {
    schemaVersion: 1,
    kind: 'appeal',
    decisionId: decision.decisionId,
    appealId: decision.appealId,
    eventId: decision.eventId,
    source: decision.source,
    outcome: decision.outcome,
    decision: decision.outcome === 'overturned' ? 'allow' : 'block',
    reason: decision.reason,
    reviewerId: decision.reviewerId,
    policyVersion: decision.policyVersion,
    decidedAt: decision.decidedAt.toISOString(),
  };
}

/**
 * A message's stable id: the same for a replay of the same decision, different for each
 * decision. Webhook receivers deduplicate by it (the `sieve-webhook-id` header).
 */
export function messageIdOf(message: DecisionMessage): string {
  const parts =
    message.kind === 'automatic'
      ? [message.kind, message.source, message.eventId, message.decidedAt]
      : message.kind === 'reviewer'
        ? [message.kind, message.decisionId, message.undone]
        : message.kind === 'notice'
          ? [message.kind, message.statementId]
          : message.kind === 'account'
            ? [
                message.kind,
                message.source,
                message.authorId,
                message.previousRecommendation,
                message.recommendation,
                message.recommendedAt,
              ]
            : message.kind === 'erasure'
              ? [message.kind, message.erasureId, message.eventId]
              : message.kind === 'erasure_completed'
                ? [message.kind, message.erasureId]
                : [message.kind, message.decisionId];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}
