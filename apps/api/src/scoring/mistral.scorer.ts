import {
  assertModerationResults,
  type MistralClient,
  type ModerationResponse,
} from '@sieve/mistral';
import type {
  BatchJobProgress,
  ModerationScorer,
  ScorerInfo,
  TextScore,
} from './moderation-scorer';

/** Scores through Mistral's `/v1/moderations`: the texts given, in one request or one batch job. */
export class MistralScorer implements ModerationScorer {
  readonly info: ScorerInfo;

  constructor(
    private readonly client: MistralClient,
    private readonly model: string,
    private readonly batchPollIntervalMs = 10_000,
  ) {
    this.info = { kind: 'mistral', model, label: `Mistral moderation (${model})` };
  }

  async scoreBatch(texts: string[]): Promise<TextScore[]> {
    return toScores(await this.client.moderations.create({ model: this.model, input: texts }));
  }

  async scoreInBatchJob(
    groups: string[][],
    onProgress?: (progress: BatchJobProgress) => void,
  ): Promise<(TextScore[] | null)[]> {
    const { results } = await this.client.batch.run<ModerationResponse>(
      '/v1/moderations',
      this.model,
      groups.map((input, i) => ({ custom_id: String(i), body: { input } })),
      {
        pollIntervalMs: this.batchPollIntervalMs,
        onProgress: (job) =>
          onProgress?.({
            jobId: job.id,
            status: job.status,
            completedRequests: job.completed_requests,
            totalRequests: job.total_requests,
          }),
      },
    );
    return groups.map((input, i) => {
      const line = results.get(String(i));
      if (line?.response?.status_code !== 200) return null;
      try {
        return toScores(assertModerationResults(line.response.body, input.length));
      } catch {
        return null;
      }
    });
  }
}

const toScores = (response: ModerationResponse): TextScore[] =>
  response.results.map((result) => ({ model: response.model, scores: result.category_scores }));
