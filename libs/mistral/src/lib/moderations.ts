export interface ModerationRequest {
  model: string;
  input: string | string[];
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

export interface ChatModerationRequest {
  model: string;
  input: ChatMessage[] | ChatMessage[][];
}

/** Category names differ by model, so both maps are open records. */
export interface ModerationResult {
  categories: Record<string, boolean>;
  category_scores: Record<string, number>;
}

export interface Usage {
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
  usage?: Usage;
}
