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

  /**
   * One Batch API job for all groups. Requests the job did not answer — failed (its error
   * file) or never run (it timed out or was cancelled) — are scored online, a few at a time,
   * so a rescore still scores every event; only a group that fails online too is null.
   */
  async scoreInBatchJob(
    groups: string[][],
    onProgress?: (progress: BatchJobProgress) => void,
  ): Promise<(TextScore[] | null)[]> {
    const { results, unanswered } = await this.client.batch.run<ModerationResponse>(
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
    const scored: (TextScore[] | null)[] = groups.map((input, i) => {
      const line = results.get(String(i));
      if (line?.response?.status_code !== 200) return null;
      try {
        return toScores(assertModerationResults(line.response.body, input.length));
      } catch {
        return null;
      }
    });
    const retry = [
      ...new Set([...unanswered.map(Number), ...scored.flatMap((s, i) => (s ? [] : [i]))]),
    ];
    for (let start = 0; start < retry.length; start += ONLINE_RETRY_CONCURRENCY) {
      await Promise.all(
        retry.slice(start, start + ONLINE_RETRY_CONCURRENCY).map(async (i) => {
          scored[i] = await this.scoreBatch(groups[i]).catch(() => null);
        }),
      );
    }
    return scored;
  }
}

/** Requests a batch job left unanswered, sent online this many at a time. */
const ONLINE_RETRY_CONCURRENCY = 4;

const toScores = (response: ModerationResponse): TextScore[] =>
  response.results.map((result) => ({ model: response.model, scores: result.category_scores }));
