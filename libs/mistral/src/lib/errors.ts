/** Base class: every failure the client reports is a MistralError. */
export class MistralError extends Error {
  override name = 'MistralError';
}

/** The API answered with an error status. `type`/`code` come from the body when it has them. */
export class MistralApiError extends MistralError {
  override name = 'MistralApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly type: string | null,
    readonly code: string | null,
    readonly param: string | null,
    readonly body: unknown,
  ) {
    super(message);
  }

  /** 429 and 5xx can succeed on retry; other 4xx will fail the same way again. */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

export class MistralRateLimitError extends MistralApiError {
  override name = 'MistralRateLimitError';
  constructor(
    message: string,
    body: unknown,
    type: string | null,
    code: string | null,
    /** From `Retry-After`, when the server sent it. */
    readonly retryAfterMs: number | null,
  ) {
    super(message, 429, type, code, null, body);
  }
}

export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** 422: the request did not match the API's schema (unknown fields included). */
export class MistralValidationError extends MistralApiError {
  override name = 'MistralValidationError';
  constructor(
    message: string,
    body: unknown,
    readonly issues: ValidationIssue[],
  ) {
    super(message, 422, 'invalid_request_error', null, null, body);
  }
}

export class MistralTimeoutError extends MistralError {
  override name = 'MistralTimeoutError';
}

export class MistralConnectionError extends MistralError {
  override name = 'MistralConnectionError';
}

/** The server answered 2xx with a body that is not what the API promises. */
export class MistralResponseError extends MistralError {
  override name = 'MistralResponseError';
  constructor(
    message: string,
    readonly rawBody: string,
  ) {
    super(message);
  }
}

const str = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;

function validationIssues(body: unknown): ValidationIssue[] | null {
  const b = body as { detail?: unknown; message?: { detail?: unknown } } | null;
  const detail = Array.isArray(b?.detail)
    ? b.detail
    : Array.isArray(b?.message?.detail)
      ? b.message.detail
      : null;
  return detail as ValidationIssue[] | null;
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * Builds the typed error for an error response, accepting every body shape Mistral is known
 * to send: `{object:"error", message, type, code, param}`, `{message}`, `{detail:[…]}` and
 * `{message:{detail:[…]}}`.
 */
export function errorFromResponse(
  status: number,
  rawBody: string,
  retryAfter: string | null,
): MistralApiError {
  let body: unknown = rawBody;
  try {
    body = JSON.parse(rawBody);
  } catch {
    // Not JSON (a proxy's HTML page, say): keep the text.
  }
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const issues = validationIssues(body);
  const message =
    (typeof b['message'] === 'string' ? b['message'] : null) ??
    (issues ? issues.map((i) => `${i.loc.join('.')}: ${i.msg}`).join('; ') : null) ??
    (typeof body === 'string' && body.length > 0 ? body.slice(0, 300) : `HTTP ${status}`);

  if (status === 422 && issues) return new MistralValidationError(message, body, issues);
  if (status === 429) {
    return new MistralRateLimitError(
      message,
      body,
      str(b['type']),
      str(b['code']),
      parseRetryAfter(retryAfter),
    );
  }
  return new MistralApiError(
    message,
    status,
    str(b['type']),
    str(b['code']),
    str(b['param']),
    body,
  );
}
