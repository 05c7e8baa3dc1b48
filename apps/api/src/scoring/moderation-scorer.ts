import type { ScorerInfo } from '@sieve/contracts';
import type { CategoryScores } from '@sieve/moderation';

export type { ScorerInfo } from '@sieve/contracts';

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
