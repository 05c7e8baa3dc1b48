import type { ExplanationCard } from '@sieve/moderation';

export interface FollowUpDto {
  question: string;
  answer: string;
}

/** A stored explanation of a flag: reused until someone asks for a new one. */
export interface ExplanationDto {
  id: string;
  explainer: 'mistral' | 'offline';
  model: string;
  card: ExplanationCard;
  followUps: FollowUpDto[];
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  createdAt: string;
}

/**
 * Server-sent events of POST /api/flags/:id/explanation: `delta` frames carry text as the model
 * writes it ({text}), then one `done` (the ExplanationDto) or one `error` ({message}).
 */
export type ExplanationStreamEvent =
  | { event: 'delta'; data: { text: string } }
  | { event: 'done'; data: ExplanationDto }
  | { event: 'error'; data: { message: string } };
