import {
  costOf,
  MistralOutputParseError,
  type MistralClient,
  type PricingTable,
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
  ) {}

  async judge(target: JudgeTarget, text: string, signal?: AbortSignal): Promise<JudgeAnswer> {
    let parsed: ModelJudgement;
    let usage: { prompt_tokens?: number; completion_tokens?: number } | undefined;
    try {
      const { parsed: answer, response } = await this.client.chat.parse<ModelJudgement>(
        {
          model: this.model,
          messages: buildJudgeMessages(target, text),
          temperature: 0,
          random_seed: RANDOM_SEED,
          max_tokens: MAX_OUTPUT_TOKENS,
          response_format: {
            type: 'json_schema',
            json_schema: { name: JUDGEMENT_SCHEMA_NAME, schema: JUDGEMENT_SCHEMA, strict: true },
          },
        },
        { signal },
      );
      if (response.choices[0]?.finish_reason !== 'stop')
        throw new JudgeAnswerError(
          `the answer ended with finish_reason ${String(response.choices[0]?.finish_reason)}`,
        );
      parsed = answer;
      usage = response.usage;
    } catch (error) {
      if (error instanceof MistralOutputParseError) throw new JudgeAnswerError(error.message);
      throw error;
    }
    const promptTokens = usage?.prompt_tokens ?? 0;
    const completionTokens = usage?.completion_tokens ?? 0;
    return {
      judgement: checkJudgement(parsed, text),
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
