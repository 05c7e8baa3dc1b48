import { OFFLINE_MODEL_ID, scoreOffline } from '@sieve/moderation';
import type { ModerationScorer, ScorerInfo, TextScore } from './moderation-scorer';

/** Used when no MISTRAL_API_KEY is set: lexicon and PII patterns, labelled as such everywhere. */
export class OfflineScorer implements ModerationScorer {
  readonly info: ScorerInfo = {
    kind: 'offline',
    model: OFFLINE_MODEL_ID,
    label:
      'Offline demo scorer (lexicon + PII patterns), not Mistral: set MISTRAL_API_KEY to score with Mistral',
  };

  constructor(private readonly categoryNames: readonly string[]) {}

  async scoreBatch(texts: string[]): Promise<TextScore[]> {
    return texts.map((text) => ({
      model: OFFLINE_MODEL_ID,
      scores: scoreOffline(text, this.categoryNames).scores,
    }));
  }
}
