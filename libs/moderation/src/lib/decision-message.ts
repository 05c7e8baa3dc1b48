import type { CategoryScores } from './categories';
import type { Decision, TriggeredCategory } from './policy';

/**
 * What Sieve publishes on `moderation.decisions`, keyed by event id. Delivery is at least
 * once: a consumer deduplicates by `(source, eventId, kind)`.
 */
export interface DecisionMessage {
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
}
