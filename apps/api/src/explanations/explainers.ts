import {
  type ChatCompletionRequest,
  costOf,
  type JsonSchema,
  type Message,
  type MistralClient,
  MistralOutputParseError,
  type PricingTable,
  validateAgainst,
} from '@sieve/mistral';
import {
  buildExplanationMessages,
  checkCard,
  checkFollowUp,
  EXPLANATION_SCHEMA,
  type ExplanationCard,
  type ExplanationInput,
  type ExplanationWarning,
  FOLLOW_UP_SCHEMA,
  followUpMessage,
  type ModelCard,
  type ModelFollowUp,
  offlineExplanation,
  OFFLINE_MODEL_ID,
  scoreOffline,
  unstorableFields,
} from '@sieve/moderation';

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

export interface ExplainResult {
  /** Checked: what a reviewer may see. */
  card: ExplanationCard;
  conversation: Message[];
  usage: Usage;
}

export interface FollowUpResult {
  /** Checked: what a reviewer may see. */
  answer: { answer: string; quotes: string[]; warnings: ExplanationWarning[] };
  conversation: Message[];
  usage: Usage;
}

/** How much of an answer has arrived; the text itself is shown only after the checks. */
export type OnProgress = (receivedChars: number) => void;

/** Explains a flag to a reviewer; the answer is checked before it is returned. */
export interface Explainer {
  readonly kind: 'mistral' | 'offline';
  readonly model: string;
  explain(
    input: ExplanationInput,
    onProgress: OnProgress,
    signal: AbortSignal,
  ): Promise<ExplainResult>;
  followUp(
    conversation: Message[],
    question: string,
    post: string,
    onProgress: OnProgress,
    signal: AbortSignal,
  ): Promise<FollowUpResult>;
}

const NO_USAGE: Usage = { promptTokens: 0, completionTokens: 0, costUsd: 0 };

/**
 * Mistral chat, streamed, answering in a strict JSON schema (the card, or a follow-up answer).
 * An answer that is cut short, is not JSON or does not match the schema is an error: nothing of
 * it reaches the reviewer or the database.
 */
export class MistralExplainer implements Explainer {
  readonly kind = 'mistral' as const;

  constructor(
    private readonly client: MistralClient,
    readonly model: string,
    private readonly maxOutputTokens: number,
    private readonly pricing: PricingTable,
  ) {}

  async explain(
    input: ExplanationInput,
    onProgress: OnProgress,
    signal: AbortSignal,
  ): Promise<ExplainResult> {
    const messages: Message[] = buildExplanationMessages(input);
    const { text, parsed, usage } = await this.ask<ModelCard>(
      messages,
      'flag_explanation',
      EXPLANATION_SCHEMA,
      onProgress,
      signal,
    );
    return {
      card: checkCard(parsed, input),
      conversation: [...messages, { role: 'assistant', content: text }],
      usage,
    };
  }

  async followUp(
    conversation: Message[],
    question: string,
    post: string,
    onProgress: OnProgress,
    signal: AbortSignal,
  ): Promise<FollowUpResult> {
    const messages: Message[] = [...conversation, followUpMessage(question)];
    const { text, parsed, usage } = await this.ask<ModelFollowUp>(
      messages,
      'follow_up_answer',
      FOLLOW_UP_SCHEMA,
      onProgress,
      signal,
    );
    return {
      answer: checkFollowUp(parsed, post),
      conversation: [...messages, { role: 'assistant', content: text }],
      usage,
    };
  }

  private async ask<T>(
    messages: Message[],
    name: string,
    schema: JsonSchema,
    onProgress: OnProgress,
    signal: AbortSignal,
  ): Promise<{ text: string; parsed: T; usage: Usage }> {
    const request: ChatCompletionRequest = {
      model: this.model,
      messages,
      temperature: 0.2,
      max_tokens: this.maxOutputTokens,
      response_format: { type: 'json_schema', json_schema: { name, schema, strict: true } },
    };
    const stream = await this.client.chat.stream(request, { signal });
    let received = 0;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.content;
      if (typeof delta === 'string' && delta) onProgress((received += delta.length));
    }
    const text = stream.text;
    if (stream.finishReason !== 'stop')
      throw new MistralOutputParseError(
        stream.finishReason === 'length'
          ? `the answer was cut off at ${this.maxOutputTokens} tokens`
          : `the answer ended without finishing (finish_reason ${String(stream.finishReason)})`,
        text,
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new MistralOutputParseError('the model did not answer with JSON', text);
    }
    const issues = validateAgainst(schema, parsed);
    if (issues.length > 0)
      throw new MistralOutputParseError(`the answer does not match ${name}`, text, issues);
    // The model's words are stored: text PostgreSQL refuses would fail the insert instead.
    const unstorable = unstorableFields(parsed);
    if (unstorable.length > 0)
      throw new MistralOutputParseError(
        'the answer holds text that cannot be stored',
        text,
        unstorable.map((u) => `${u.field}: ${u.errors.join(', ')}`),
      );
    const prompt = stream.usage?.prompt_tokens ?? 0;
    const completion = stream.usage?.completion_tokens ?? 0;
    return {
      text,
      parsed: parsed as T,
      usage: {
        promptTokens: prompt,
        completionTokens: completion,
        costUsd: costOf(this.model, prompt, completion, this.pricing),
      },
    };
  }
}

/** Without a Mistral key: a card from the offline scorer's evidence, clearly labelled. */
export class OfflineExplainer implements Explainer {
  readonly kind = 'offline' as const;
  readonly model = OFFLINE_MODEL_ID;

  async explain(input: ExplanationInput, onProgress: OnProgress): Promise<ExplainResult> {
    const { evidence } = scoreOffline(
      input.text,
      input.categories.map((c) => c.name),
    );
    const card = offlineExplanation(input, evidence);
    onProgress(card.summary.length);
    return { card, conversation: [], usage: NO_USAGE };
  }

  async followUp(
    conversation: Message[],
    question: string,
    _post: string,
    onProgress: OnProgress,
  ): Promise<FollowUpResult> {
    const answer =
      'The offline explainer cannot answer questions: it has no language model. Set MISTRAL_API_KEY to ask Mistral.';
    onProgress(answer.length);
    return {
      answer: { answer, quotes: [], warnings: [] },
      conversation: [
        ...conversation,
        { role: 'user', content: question },
        { role: 'assistant', content: answer },
      ],
      usage: NO_USAGE,
    };
  }
}
