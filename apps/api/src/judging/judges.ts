import {
  type ChatCompletionRequest,
  type ChatCompletionResponse,
  costOf,
  type MistralClient,
  type PricingTable,
  validateAgainst,
} from '@sieve/mistral';
import {
  buildJudgeMessages,
  checkJudgement,
  type Judgement,
  JUDGEMENT_SCHEMA,
  JUDGEMENT_SCHEMA_NAME,
  type JudgeTarget,
  type ModelJudgement,
  OFFLINE_JUDGE_ID,
  offlineJudgement,
  unstorableFields,
} from '@sieve/moderation';

export interface JudgeAnswer {
  judgement: Judgement;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/**
 * Judges one post against one rule. Throws JudgeAnswerError when the model's answer is not a
 * judgement (not JSON, off the schema, cut short, a refusal); other errors are the API's.
 */
export interface Judge {
  readonly kind: 'mistral' | 'offline';
  readonly model: string;
  judge(target: JudgeTarget, text: string, signal?: AbortSignal): Promise<JudgeAnswer>;
  /**
   * Many pairs in one Batch API job (cheaper, slower): per pair an answer, a JudgeAnswerError,
   * or null when the job did not answer it (the caller asks online or tries later).
   */
  judgeInBatchJob?(
    items: { target: JudgeTarget; text: string }[],
    onProgress?: (job: BatchJobStatus) => void,
  ): Promise<(JudgeAnswer | JudgeAnswerError | null)[]>;
}

/** A Batch API job's progress, as the judge reports it while the job runs. */
export interface BatchJobStatus {
  jobId: string;
  status: string;
  completed: number;
  total: number;
}

/** The model answered, but not with a judgement: retrying the same prompt would not help. */
export class JudgeAnswerError extends Error {}

/** The answer the judge writes is short; a longer one is a malfunction, refused not cut. */
const MAX_OUTPUT_TOKENS = 400;
/** Same post, same rule, same answer: reproducible judgements (and a cache that means something). */
const RANDOM_SEED = 7;

/** A Mistral chat model, `temperature` 0 and a fixed seed, answering in JUDGEMENT_SCHEMA. */
export class MistralJudge implements Judge {
  readonly kind = 'mistral' as const;

  constructor(
    private readonly client: MistralClient,
    readonly model: string,
    private readonly pricing: PricingTable,
    private readonly batchPollIntervalMs = 10_000,
  ) {}

  private request(target: JudgeTarget, text: string): ChatCompletionRequest {
    return {
      model: this.model,
      messages: buildJudgeMessages(target, text),
      temperature: 0,
      random_seed: RANDOM_SEED,
      max_tokens: MAX_OUTPUT_TOKENS,
      response_format: {
        type: 'json_schema',
        json_schema: { name: JUDGEMENT_SCHEMA_NAME, schema: JUDGEMENT_SCHEMA, strict: true },
      },
    };
  }

  async judge(target: JudgeTarget, text: string, signal?: AbortSignal): Promise<JudgeAnswer> {
    const response = await this.client.chat.complete(this.request(target, text), { signal });
    return this.read(response, text);
  }

  async judgeInBatchJob(
    items: { target: JudgeTarget; text: string }[],
    onProgress?: (job: BatchJobStatus) => void,
  ): Promise<(JudgeAnswer | JudgeAnswerError | null)[]> {
    const { results } = await this.client.batch.run<ChatCompletionResponse>(
      '/v1/chat/completions',
      this.model,
      items.map(({ target, text }, i) => {
        const { model: _, ...body } = this.request(target, text);
        return { custom_id: String(i), body };
      }),
      {
        pollIntervalMs: this.batchPollIntervalMs,
        onProgress: (job) =>
          onProgress?.({
            jobId: job.id,
            status: job.status,
            completed: job.completed_requests,
            total: job.total_requests,
          }),
      },
    );
    return items.map(({ text }, i) => {
      const line = results.get(String(i));
      if (line?.response?.status_code !== 200) return null;
      try {
        return this.read(line.response.body, text);
      } catch (error) {
        if (error instanceof JudgeAnswerError) return error;
        return null;
      }
    });
  }

  /** The answer as a checked judgement, or JudgeAnswerError when it is not one. */
  private read(response: ChatCompletionResponse, text: string): JudgeAnswer {
    const choice = response.choices?.[0];
    if (choice?.finish_reason !== 'stop')
      throw new JudgeAnswerError(
        `the answer ended with finish_reason ${String(choice?.finish_reason)}`,
      );
    const content = choice.message.content;
    let parsed: unknown;
    try {
      parsed = JSON.parse(typeof content === 'string' ? content : '');
    } catch {
      throw new JudgeAnswerError('the model did not answer with JSON (a refusal?)');
    }
    const issues = validateAgainst(JUDGEMENT_SCHEMA, parsed);
    if (issues.length > 0)
      throw new JudgeAnswerError(
        `the answer does not match ${JUDGEMENT_SCHEMA_NAME}: ${issues.slice(0, 3).join('; ')}`,
      );
    // Its rationale is stored: text PostgreSQL refuses would fail the whole batch's insert.
    const unstorable = unstorableFields(parsed);
    if (unstorable.length > 0)
      throw new JudgeAnswerError(
        `the answer holds text that cannot be stored (${unstorable[0].field}: ${unstorable[0].errors[0]})`,
      );
    const promptTokens = response.usage?.prompt_tokens ?? 0;
    const completionTokens = response.usage?.completion_tokens ?? 0;
    return {
      judgement: checkJudgement(parsed as ModelJudgement, text),
      promptTokens,
      completionTokens,
      costUsd: costOf(this.model, promptTokens, completionTokens, this.pricing),
    };
  }
}

/** Without a Mistral key: similarity to the rule's examples, labelled as such everywhere. */
export class OfflineJudge implements Judge {
  readonly kind = 'offline' as const;
  readonly model = OFFLINE_JUDGE_ID;

  async judge(target: JudgeTarget, text: string): Promise<JudgeAnswer> {
    return {
      judgement: checkJudgement(offlineJudgement(target, text), text),
      promptTokens: 0,
      completionTokens: 0,
      costUsd: 0,
    };
  }
}
