import type { ExplanationCard, ExplanationWarning } from '@sieve/moderation';

/** A follow-up answer after the checks (quotes verified against the post, warnings). */
export interface FollowUpDto {
  question: string;
  answer: string;
  quotes: string[];
  warnings: ExplanationWarning[];
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

/** Why an explanation could not be given; the message is meant for the reviewer. */
export type ExplanationErrorCode =
  'invalid_answer' | 'interrupted' | 'model_busy' | 'explainer_failed';

/**
 * Server-sent events of POST /api/flags/:id/explanation. The model's raw text is never sent:
 * `progress` frames say how much of the answer has arrived ({receivedChars}); the answer itself
 * comes in one `done` (the ExplanationDto) once it has passed the checks, or one `error`
 * ({code, message, reference}: the reference finds the details in the api's log).
 */
export type ExplanationStreamEvent =
  | { event: 'progress'; data: { receivedChars: number } }
  | { event: 'done'; data: ExplanationDto }
  | {
      event: 'error';
      data: { code: ExplanationErrorCode; message: string; reference: string | null };
    };
