import type { Message } from './chat-types';
import { MistralResponseError } from './errors';
import type { RequestOptions, Transport } from './transport';

export interface ModerationRequest {
  model: string;
  input: string | string[];
  metadata?: Record<string, unknown>;
}

export interface ChatModerationRequest {
  model: string;
  input: Message[] | Message[][];
}

/** Category names differ by model, so both maps are open records. */
export interface ModerationResult {
  categories: Record<string, boolean>;
  category_scores: Record<string, number>;
}

export interface ModerationUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  request_count?: number;
}

export interface ModerationResponse {
  id: string;
  model: string;
  results: ModerationResult[];
  /** Live responses carry it though the OpenAPI file omits it. */
  usage?: ModerationUsage;
}

export class ModerationsApi {
  constructor(private readonly transport: Transport) {}

  /** `POST /v1/moderations`: one result per input string, in order. */
  async create(request: ModerationRequest, options?: RequestOptions): Promise<ModerationResponse> {
    const response = await this.transport.json<ModerationResponse>(
      'POST',
      '/v1/moderations',
      request,
      options,
    );
    return assertModerationResults(
      response,
      Array.isArray(request.input) ? request.input.length : 1,
    );
  }

  /** `POST /v1/chat/moderations`: classifies the last turn of each conversation. */
  async createForChat(
    request: ChatModerationRequest,
    options?: RequestOptions,
  ): Promise<ModerationResponse> {
    const response = await this.transport.json<ModerationResponse>(
      'POST',
      '/v1/chat/moderations',
      request,
      options,
    );
    const conversations = Array.isArray(request.input[0]) ? request.input.length : 1;
    return assertModerationResults(response, conversations);
  }
}

/** Checks a moderation response (e.g. a Batch API result line) has `expected` results with numeric scores. */
export function assertModerationResults(
  response: ModerationResponse,
  expected: number,
): ModerationResponse {
  const results = (response as Partial<ModerationResponse>).results;
  const wellFormed =
    Array.isArray(results) &&
    results.length === expected &&
    results.every(
      (r) =>
        typeof r?.category_scores === 'object' &&
        r.category_scores !== null &&
        Object.values(r.category_scores).every((s) => typeof s === 'number'),
    );
  if (!wellFormed) {
    throw new MistralResponseError(
      `moderation response has ${Array.isArray(results) ? results.length : 'no'} well-formed results; expected ${expected}`,
      JSON.stringify(response).slice(0, 2000),
    );
  }
  return response;
}

export interface CoalescerOptions {
  model: string;
  /** Texts per request. Default 64. */
  maxBatchSize?: number;
  /** How long the first text waits for company. Default 10 ms. */
  maxWaitMs?: number;
}

interface Pending {
  text: string;
  resolve: (result: ModerationResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Merges many concurrent `moderate(text)` calls into few requests: a batch goes out when it
 * is full or when its first text has waited `maxWaitMs`. Identical texts in a batch are sent once.
 */
export class ModerationCoalescer {
  private pending: Pending[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly maxBatchSize: number;
  private readonly maxWaitMs: number;

  constructor(
    private readonly moderations: ModerationsApi,
    private readonly options: CoalescerOptions,
  ) {
    this.maxBatchSize = options.maxBatchSize ?? 64;
    this.maxWaitMs = options.maxWaitMs ?? 10;
  }

  moderate(text: string): Promise<ModerationResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ text, resolve, reject });
      if (this.pending.length >= this.maxBatchSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.maxWaitMs);
    });
  }

  /** Sends what is waiting now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatchSize);
      void this.send(batch);
    }
  }

  private async send(batch: Pending[]): Promise<void> {
    const unique = [...new Set(batch.map((p) => p.text))];
    try {
      const response = await this.moderations.create({ model: this.options.model, input: unique });
      const byText = new Map(unique.map((text, i) => [text, response.results[i]]));
      for (const p of batch) p.resolve(byText.get(p.text) as ModerationResult);
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}
