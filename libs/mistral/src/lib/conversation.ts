import { contentText, type Message } from './chat-types';
import { estimateTokens } from './transport';

export interface ConversationJson {
  system: string | null;
  messages: Message[];
}

/**
 * Chat history that fits a token budget: `trimmed()` keeps the system prompt and the newest
 * turns, dropping whole old turns (an assistant tool call goes with its tool results).
 */
export class Conversation {
  private readonly history: Message[] = [];

  constructor(
    private readonly system: string | null = null,
    private readonly countTokens: (message: Message) => number = (m) =>
      estimateTokens(contentText(m.content as string)) +
      4 +
      (m.role === 'assistant' ? estimateTokens(JSON.stringify(m.tool_calls ?? '')) : 0),
  ) {}

  add(...messages: Message[]): this {
    this.history.push(...messages);
    return this;
  }

  get messages(): Message[] {
    return [
      ...(this.system !== null ? [{ role: 'system' as const, content: this.system }] : []),
      ...this.history,
    ];
  }

  /** Messages to send: the system prompt plus as many of the newest turns as fit `maxTokens`. */
  trimmed(maxTokens: number): Message[] {
    const system: Message[] =
      this.system !== null ? [{ role: 'system', content: this.system }] : [];
    let budget = maxTokens - system.reduce((n, m) => n + this.countTokens(m), 0);
    const kept: Message[] = [];
    let i = this.history.length - 1;
    while (i >= 0) {
      // A tool result belongs to the assistant message that called it: keep or drop them together.
      let start = i;
      while (start > 0 && this.history[start].role === 'tool') start--;
      const group = this.history.slice(start, i + 1);
      const cost = group.reduce((n, m) => n + this.countTokens(m), 0);
      if (cost > budget) break;
      budget -= cost;
      kept.unshift(...group);
      i = start - 1;
    }
    return [...system, ...kept];
  }

  toJSON(): ConversationJson {
    return { system: this.system, messages: [...this.history] };
  }

  static fromJSON(json: ConversationJson): Conversation {
    return new Conversation(json.system).add(...json.messages);
  }
}
