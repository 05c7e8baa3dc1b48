/** What Mistral's (undocumented) `x-ratelimit-*` headers said on the latest answer. */
export interface RateLimitSnapshot {
  requestsLimit: number | null;
  requestsRemaining: number | null;
  tokensLimit: number | null;
  tokensRemaining: number | null;
}

const number = (value: string | null) => {
  if (value === null || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
};

/** Reads the per-minute budgets; null when the answer carried none of them. */
export function readRateLimitHeaders(headers: {
  get(name: string): string | null;
}): RateLimitSnapshot | null {
  const snapshot: RateLimitSnapshot = {
    requestsLimit: number(headers.get('x-ratelimit-limit-req-minute')),
    requestsRemaining: number(headers.get('x-ratelimit-remaining-req-minute')),
    tokensLimit: number(headers.get('x-ratelimit-limit-tokens-minute')),
    tokensRemaining: number(headers.get('x-ratelimit-remaining-tokens-minute')),
  };
  return Object.values(snapshot).some((v) => v !== null) ? snapshot : null;
}
