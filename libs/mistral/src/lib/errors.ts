/** Base class: every failure the client reports is a MistralError. */
export class MistralError extends Error {
  override name = 'MistralError';
}

export interface ApiErrorInit {
  status: number;
  message: string;
  type: string | null;
  code: string | null;
  param: string | null;
  body: unknown;
  /** `x-request-id` (or `mistral-correlation-id`), for Mistral support. */
  requestId: string | null;
  /** From `Retry-After`, when the server sent it. */
  retryAfterMs: number | null;
}

/** The API answered with an error status. `type`/`code` come from the body when it has them. */
export class MistralApiError extends MistralError {
  override name = 'MistralApiError';
  readonly status: number;
  readonly type: string | null;
  readonly code: string | null;
  readonly param: string | null;
  readonly body: unknown;
  readonly requestId: string | null;
  readonly retryAfterMs: number | null;

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.status = init.status;
    this.type = init.type;
    this.code = init.code;
    this.param = init.param;
    this.body = init.body;
    this.requestId = init.requestId;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** 429 and 5xx can succeed on retry; other 4xx will fail the same way again. */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/**
 * The API refused the request for what it holds (400, 413 or 422: not auth, not limits): sent
 * again it fails again, while a request without the offending inputs may not.
 */
export function isRequestRejection(error: unknown): error is MistralApiError {
  return error instanceof MistralApiError && [400, 413, 422].includes(error.status);
}

/** 400 */
export class MistralBadRequestError extends MistralApiError {
  override name = 'MistralBadRequestError';
}
/** 401: missing or wrong API key. */
export class MistralAuthenticationError extends MistralApiError {
  override name = 'MistralAuthenticationError';
}
/** 403 */
export class MistralPermissionError extends MistralApiError {
  override name = 'MistralPermissionError';
}
/** 404: unknown model, file or job. */
export class MistralNotFoundError extends MistralApiError {
  override name = 'MistralNotFoundError';
}
/** 429 */
export class MistralRateLimitError extends MistralApiError {
  override name = 'MistralRateLimitError';
}
/** 500, 502, 503, 504 */
export class MistralServerError extends MistralApiError {
  override name = 'MistralServerError';
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
    init: ApiErrorInit,
    readonly issues: ValidationIssue[],
  ) {
    super(init);
  }
}

export class MistralTimeoutError extends MistralError {
  override name = 'MistralTimeoutError';
}

export class MistralConnectionError extends MistralError {
  override name = 'MistralConnectionError';
}

/**
 * A streamed answer that did not finish: the connection was cut, nothing arrived for longer
 * than the idle timeout, or the stream ended without `[DONE]`. `partialText` is what arrived;
 * it is not the answer.
 */
export class MistralStreamInterruptedError extends MistralError {
  override name = 'MistralStreamInterruptedError';
  constructor(
    message: string,
    readonly reason: 'cut' | 'stalled' | 'incomplete',
    readonly partialText: string,
  ) {
    super(message);
  }
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

/** A JSON-mode answer that is not valid JSON or does not match the requested schema. */
export class MistralOutputParseError extends MistralError {
  override name = 'MistralOutputParseError';
  constructor(
    message: string,
    readonly rawText: string,
    readonly issues: string[] = [],
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
  headers: { get(name: string): string | null } | null = null,
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
  const init: ApiErrorInit = {
    status,
    message,
    type: str(b['type']),
    code: str(b['code']),
    param: str(b['param']),
    body,
    requestId: headers?.get('x-request-id') ?? headers?.get('mistral-correlation-id') ?? null,
    retryAfterMs: parseRetryAfter(headers?.get('retry-after') ?? null),
  };
  if (status === 422 && issues) {
    return new MistralValidationError(
      { ...init, type: init.type ?? 'invalid_request_error' },
      issues,
    );
  }
  switch (status) {
    case 400:
      return new MistralBadRequestError(init);
    case 401:
      return new MistralAuthenticationError(init);
    case 403:
      return new MistralPermissionError(init);
    case 404:
      return new MistralNotFoundError(init);
    case 429:
      return new MistralRateLimitError(init);
    default:
      return status >= 500 ? new MistralServerError(init) : new MistralApiError(init);
  }
}
