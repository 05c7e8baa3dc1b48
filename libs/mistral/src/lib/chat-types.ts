export interface TextChunk {
  type: 'text';
  text: string;
}
export interface ImageUrlChunk {
  type: 'image_url';
  image_url: string | { url: string; detail?: string };
}
export type ContentChunk = TextChunk | ImageUrlChunk;
export type MessageContent = string | ContentChunk[];

export interface ToolCall {
  id: string;
  type?: 'function';
  /** The spec allows both: a JSON string (usual), or the object itself. */
  function: { name: string; arguments: string | Record<string, unknown> };
  index?: number;
}

export interface SystemMessage {
  role: 'system';
  content: MessageContent;
}
export interface UserMessage {
  role: 'user';
  content: MessageContent;
}
export interface AssistantMessage {
  role: 'assistant';
  content?: MessageContent | null;
  tool_calls?: ToolCall[] | null;
  prefix?: boolean;
}
export interface ToolMessage {
  role: 'tool';
  content: MessageContent;
  tool_call_id: string;
  name?: string;
}
export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

/** A JSON Schema object (draft 2020-12). */
export type JsonSchema = Record<string, unknown>;

export interface FunctionTool {
  type: 'function';
  function: { name: string; description?: string; parameters: JsonSchema; strict?: boolean };
}

export type ToolChoice =
  'auto' | 'none' | 'any' | 'required' | { type: 'function'; function: { name: string } };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; schema: JsonSchema; description?: string; strict?: boolean };
    };

export interface ChatCompletionRequest {
  model: string;
  messages: Message[];
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  stop?: string | string[];
  random_seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  n?: number;
  safe_prompt?: boolean;
  response_format?: ResponseFormat;
  tools?: FunctionTool[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  prediction?: { type: 'content'; content: string };
  metadata?: Record<string, unknown>;
}

export type FinishReason = 'stop' | 'length' | 'model_length' | 'error' | 'tool_calls';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ChatCompletionChoice {
  index: number;
  message: AssistantMessage;
  finish_reason: FinishReason | null;
}

export interface ChatCompletionResponse {
  id: string;
  object: 'chat.completion';
  model: string;
  created: number;
  usage: Usage;
  choices: ChatCompletionChoice[];
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  model: string;
  created?: number;
  usage?: Usage | null;
  choices: {
    index: number;
    delta: { role?: 'assistant'; content?: MessageContent | null; tool_calls?: ToolCall[] | null };
    finish_reason: FinishReason | null;
  }[];
}

/** The text of a message's content, whether a string or text chunks. */
export function contentText(content: MessageContent | null | undefined): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((c) => (c.type === 'text' ? c.text : '')).join('');
}
