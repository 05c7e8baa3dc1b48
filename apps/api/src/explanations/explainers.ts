import {
  type ChatCompletionRequest,
  costOf,
  DEFAULT_PRICING,
  type Message,
  type MistralClient,
  MistralOutputParseError,
  validateAgainst,
} from '@sieve/mistral';
import {
  buildExplanationMessages,
  EXPLANATION_SCHEMA,
  type ExplanationCard,
  type ExplanationInput,
  offlineExplanation,
  OFFLINE_MODEL_ID,
  sanitizeCard,
  scoreOffline,
} from '@sieve/moderation';

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

export interface ExplainResult {
  card: ExplanationCard;
  conversation: Message[];
  usage: Usage;
}

export interface FollowUpResult {
  answer: string;
  conversation: Message[];
  usage: Usage;
}

/** Explains a flag to a reviewer, streaming text through onDelta as it is produced. */
export interface Explainer {
  readonly kind: 'mistral' | 'offline';
  readonly model: string;
  explain(
    input: ExplanationInput,
    onDelta: (text: string) => void,
    signal: AbortSignal,
  ): Promise<ExplainResult>;
  followUp(
    conversation: Message[],
    question: string,
    onDelta: (text: string) => void,
    signal: AbortSignal,
  ): Promise<FollowUpResult>;
}

const NO_USAGE: Usage = { promptTokens: 0, completionTokens: 0, costUsd: 0 };

/** Mistral chat, streamed, answering in EXPLANATION_SCHEMA; quotes are checked against the post. */
export class MistralExplainer implements Explainer {
  readonly kind = 'mistral' as const;

  constructor(
    private readonly client: MistralClient,
    readonly model: string,
  ) {}

  async explain(
    input: ExplanationInput,
    onDelta: (text: string) => void,
    signal: AbortSignal,
  ): Promise<ExplainResult> {
    const messages: Message[] = buildExplanationMessages(input);
    const { text, usage } = await this.stream(
      {
        model: this.model,
        messages,
        temperature: 0.2,
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'flag_explanation',
            schema: { ...EXPLANATION_SCHEMA },
            strict: true,
          },
        },
      },
      onDelta,
      signal,
    );
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new MistralOutputParseError('the model did not answer with JSON', text);
    }
    const issues = validateAgainst({ ...EXPLANATION_SCHEMA }, parsed);
    if (issues.length > 0)
      throw new MistralOutputParseError(
        'the model’s answer does not match the explanation schema',
        text,
        issues,
      );
    const card = sanitizeCard(
      parsed as ExplanationCard,
      input.text,
      input.categories.map((c) => c.name),
    );
    return { card, conversation: [...messages, { role: 'assistant', content: text }], usage };
  }

  async followUp(
    conversation: Message[],
    question: string,
    onDelta: (text: string) => void,
    signal: AbortSignal,
  ): Promise<FollowUpResult> {
    const messages: Message[] = [...conversation, { role: 'user', content: question }];
    const { text, usage } = await this.stream(
      { model: this.model, messages, temperature: 0.2 },
      onDelta,
      signal,
    );
    return {
      answer: text,
      conversation: [...messages, { role: 'assistant', content: text }],
      usage,
    };
  }

  private async stream(
    request: ChatCompletionRequest,
    onDelta: (text: string) => void,
    signal: AbortSignal,
  ) {
    const stream = await this.client.chat.stream(request, { signal });
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.content;
      if (typeof delta === 'string' && delta) onDelta(delta);
    }
    const prompt = stream.usage?.prompt_tokens ?? 0;
    const completion = stream.usage?.completion_tokens ?? 0;
    return {
      text: stream.text,
      usage: {
        promptTokens: prompt,
        completionTokens: completion,
        costUsd: costOf(this.model, prompt, completion, DEFAULT_PRICING),
      },
    };
  }
}

/** Without a Mistral key: a card from the offline scorer's evidence, clearly labelled. */
export class OfflineExplainer implements Explainer {
  readonly kind = 'offline' as const;
  readonly model = OFFLINE_MODEL_ID;

  async explain(input: ExplanationInput, onDelta: (text: string) => void): Promise<ExplainResult> {
    const { evidence } = scoreOffline(
      input.text,
      input.categories.map((c) => c.name),
    );
    const card = offlineExplanation(input, evidence);
    onDelta(card.summary);
    return { card, conversation: [], usage: NO_USAGE };
  }

  async followUp(
    conversation: Message[],
    question: string,
    onDelta: (text: string) => void,
  ): Promise<FollowUpResult> {
    const answer =
      'The offline explainer cannot answer questions: it has no language model. Set MISTRAL_API_KEY to ask Mistral.';
    onDelta(answer);
    return {
      answer,
      conversation: [
        ...conversation,
        { role: 'user', content: question },
        { role: 'assistant', content: answer },
      ],
      usage: NO_USAGE,
    };
  }
}
