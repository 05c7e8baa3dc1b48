import { config } from '../config';

/** The api's error body: `{statusCode, error, message, details?}`. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
    /** The api's machine-readable reason, where it gives one (`second_factor_required`). */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The session's CSRF token, echoed on every write (the session cookie itself is httpOnly). */
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Headers for a write: JSON, and the CSRF token once signed in. */
export function writeHeaders(): Record<string, string> {
  return {
    'content-type': 'application/json',
    ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}),
  };
}

export async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const method = (init.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`${config.apiBaseUrl}${path}`, {
      ...init,
      credentials: 'same-origin',
      headers: { ...headers, ...(init.headers as Record<string, string> | undefined) },
    });
  } catch {
    throw new ApiError(0, 'The Sieve api cannot be reached. Is it running?');
  }
  if (response.status === 204) return undefined as T;
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const b = (body ?? {}) as { message?: string; details?: unknown; code?: unknown };
    throw new ApiError(
      response.status,
      describeError(b.message, b.details, response.status),
      b.details,
      typeof b.code === 'string' ? b.code : undefined,
    );
  }
  return body as T;
}

/**
 * "Validation failed" alone tells a reviewer nothing: the fields the api named and why are
 * added ("lang: must be a language tag like en or pt-BR").
 */
export function describeError(message: string | undefined, details: unknown, status: number) {
  const base = message ?? `HTTP ${status}`;
  if (!Array.isArray(details)) return base;
  const fields = (details as { field?: string; errors?: string[] }[])
    .filter((d) => d.field && d.errors?.length)
    .map((d) => `${d.field}: ${(d.errors ?? []).join(', ')}`);
  return fields.length > 0 ? `${base}: ${fields.join('; ')}` : base;
}

export const send = <T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) =>
  request<T>(path, { method, body: body === undefined ? undefined : JSON.stringify(body) });

export function queryString(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}
