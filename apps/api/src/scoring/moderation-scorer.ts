import type { ScorerInfo } from '@sieve/contracts';
import type { CategoryScores } from '@sieve/moderation';

export type { ScorerInfo } from '@sieve/contracts';

export interface TextScore {
  model: string;
  scores: CategoryScores;
}

export interface BatchJobProgress {
  jobId: string;
  status: string;
  completedRequests: number;
  totalRequests: number;
}

/** Scores texts per category. One result per text, in order. */
export interface ModerationScorer {
  readonly info: ScorerInfo;
  scoreBatch(texts: string[]): Promise<TextScore[]>;
  /**
   * Scores many requests' worth of texts in one asynchronous job (Mistral's Batch API): one
   * entry per group of texts, `null` where the job did not score that group. Absent when the
   * scorer has no such path.
   */
  scoreInBatchJob?(
    groups: string[][],
    onProgress?: (progress: BatchJobProgress) => void,
  ): Promise<(TextScore[] | null)[]>;
}

export const MODERATION_SCORER = Symbol('MODERATION_SCORER');
