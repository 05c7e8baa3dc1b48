import type { MistralClient } from '@sieve/mistral';
import type { ModerationScorer, ScorerInfo, TextScore } from './moderation-scorer';

/** Scores through Mistral's `/v1/moderations`, many texts per request. */
export class MistralScorer implements ModerationScorer {
  readonly info: ScorerInfo;

  constructor(
    private readonly client: MistralClient,
    private readonly model: string,
    private readonly batchSize: number,
  ) {
    this.info = { kind: 'mistral', model, label: `Mistral moderation (${model})` };
  }

  async scoreBatch(texts: string[]): Promise<TextScore[]> {
    const chunks: string[][] = [];
    for (let i = 0; i < texts.length; i += this.batchSize)
      chunks.push(texts.slice(i, i + this.batchSize));
    const responses = await Promise.all(
      chunks.map((input) => this.client.moderations.create({ model: this.model, input })),
    );
    return responses.flatMap((response) =>
      response.results.map((result) => ({ model: response.model, scores: result.category_scores })),
    );
  }
}
