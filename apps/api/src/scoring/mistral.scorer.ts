import type { MistralClient } from '@sieve/mistral';
import type { ModerationScorer, ScorerInfo, TextScore } from './moderation-scorer';

/** Scores through Mistral's `/v1/moderations`: the texts given, in one request. */
export class MistralScorer implements ModerationScorer {
  readonly info: ScorerInfo;

  constructor(
    private readonly client: MistralClient,
    private readonly model: string,
  ) {
    this.info = { kind: 'mistral', model, label: `Mistral moderation (${model})` };
  }

  async scoreBatch(texts: string[]): Promise<TextScore[]> {
    const response = await this.client.moderations.create({ model: this.model, input: texts });
    return response.results.map((result) => ({
      model: response.model,
      scores: result.category_scores,
    }));
  }
}
