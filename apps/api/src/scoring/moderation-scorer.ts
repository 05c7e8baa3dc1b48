import type { CategoryScores } from '@sieve/moderation';

export interface ScorerInfo {
  kind: 'mistral' | 'offline';
  /** The model that produces scores, as recorded with each scored event. */
  model: string;
  /** For people: shown in the dashboard and the start-up log. */
  label: string;
}

export interface TextScore {
  model: string;
  scores: CategoryScores;
}

/** Scores texts per category. One result per text, in order. */
export interface ModerationScorer {
  readonly info: ScorerInfo;
  scoreBatch(texts: string[]): Promise<TextScore[]>;
}

export const MODERATION_SCORER = Symbol('MODERATION_SCORER');
