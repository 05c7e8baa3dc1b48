import { storableText } from '@sieve/moderation';
import { WEBHOOK_HEADERS, webhookSignature } from './webhook-signature';

export interface WebhookAttempt {
  ok: boolean;
  /** The receiver's HTTP status; null when none came (refused, timed out, bad redirect). */
  statusCode: number | null;
  /** Why it failed, for the delivery log; null on success. */
  error: string | null;
}

/** Same-origin 307/308 redirects are followed this many times; any other redirect fails. */
const MAX_REDIRECTS = 3;
/** How much of a refusal's body is read, and kept in the delivery log. */
const REFUSAL_BODY_BYTES = 1024;
const REFUSAL_TEXT_CHARS = 300;

/**
 * One signed POST. Only http(s); redirects are not followed to another origin (the secret's
 * signature must not be replayed at a host the admin did not configure), and 301/302/303 would
 * turn the POST into a GET, so they fail too. A 2xx is success; anything else is a failure.
 */
export async function sendWebhook(
  endpoint: { url: string; secret: string },
  message: { messageId: string; kind: string; body: string },
  timeoutMs: number,
): Promise<WebhookAttempt> {
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Sieve-Webhooks/1',
    [WEBHOOK_HEADERS.id]: message.messageId,
    [WEBHOOK_HEADERS.kind]: message.kind,
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [WEBHOOK_HEADERS.signature]: webhookSignature(endpoint.secret, timestamp, message.body),
  };
  const signal = AbortSignal.timeout(timeoutMs);
  let url = new URL(endpoint.url);
  try {
    for (let hop = 0; ; hop++) {
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        return failure(null, `refused to send to a ${url.protocol} URL`);
      }
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: message.body,
        redirect: 'manual',
        signal,
      });
      if (response.status >= 200 && response.status < 300) {
        // The body is not needed; leaving it unread would hold the connection.
        await response.body?.cancel().catch(() => undefined);
        return { ok: true, statusCode: response.status, error: null };
      }
      if (response.status < 300 || response.status >= 400) {
        // The receiver's own words on why, for whoever reads the delivery log.
        const said = await readStart(response);
        return failure(response.status, `HTTP ${response.status}${said ? `: ${said}` : ''}`);
      }
      await response.body?.cancel().catch(() => undefined);
      const location = response.headers.get('location');
      const next = location ? new URL(location, url) : null;
      if (!next || next.origin !== url.origin || ![307, 308].includes(response.status)) {
        return failure(
          response.status,
          `HTTP ${response.status} redirect to ${next?.origin ?? 'nowhere'} not followed`,
        );
      }
      if (hop >= MAX_REDIRECTS) return failure(response.status, 'too many redirects');
      url = next;
    }
  } catch (error) {
    if (signal.aborted) return failure(null, `no answer within ${timeoutMs} ms`);
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    return failure(null, cause?.code ?? cause?.message ?? (error as Error).message);
  }
}

/** The start of a body, as one line of text; the rest is not read. Never throws. */
async function readStart(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < REFUSAL_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // What arrived before the connection failed is still worth showing.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks).subarray(0, REFUSAL_BODY_BYTES));
  return storableText(text.replace(/\s+/g, ' ').trim(), REFUSAL_TEXT_CHARS);
}

function failure(statusCode: number | null, error: string): WebhookAttempt {
  return { ok: false, statusCode, error: error.slice(0, 500) };
}
