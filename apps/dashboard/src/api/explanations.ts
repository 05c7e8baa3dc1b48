import type { ExplanationDto } from '@sieve/contracts';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { config } from '../config';
import { ApiError, request, writeHeaders } from './client';

export type { ExplanationDto as Explanation } from '@sieve/contracts';

export const getExplanation = (flagId: string) =>
  request<ExplanationDto | null>(`/flags/${encodeURIComponent(flagId)}/explanation`);

/**
 * Asks for an explanation (or a follow-up answer) and reads the server-sent events as they
 * arrive: `progress` (characters of the answer received so far) goes to onProgress; resolves
 * with the checked explanation on `done`. The model's raw text never reaches the browser.
 */
export async function streamExplanation(
  flagId: string,
  body: { question?: string; regenerate?: boolean },
  onProgress: (receivedChars: number) => void,
  signal?: AbortSignal,
): Promise<ExplanationDto> {
  const response = await fetch(
    `${config.apiBaseUrl}/flags/${encodeURIComponent(flagId)}/explanation`,
    {
      method: 'POST',
      credentials: 'same-origin',
      headers: { ...writeHeaders(), accept: 'text/event-stream' },
      body: JSON.stringify(body),
      signal,
    },
  );
  if (!response.ok || !response.body) {
    const error = (await response.json().catch(() => null)) as { message?: string } | null;
    throw new ApiError(response.status, error?.message ?? `HTTP ${response.status}`);
  }
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parser.feed(value);
    for (const { event, data } of events.splice(0)) {
      const payload = JSON.parse(data) as unknown;
      if (event === 'progress') onProgress((payload as { receivedChars: number }).receivedChars);
      else if (event === 'done') return payload as ExplanationDto;
      else if (event === 'error') throw new ApiError(502, (payload as { message: string }).message);
    }
  }
  throw new ApiError(502, 'The explanation stream ended early');
}
