/** Build-time settings, injected by vite.config.mts (and by Jest's `globals` in tests). */
declare const __SIEVE_ENV__: Record<string, string | undefined>;

/** Every build-time setting of the dashboard, read in one place. */
export const config = {
  /** The api's base path; the dev server and production web server proxy it. */
  apiBaseUrl: __SIEVE_ENV__['VITE_API_BASE_URL'] ?? '/api',
  /** A safety-net refresh of the queue; live updates (server-sent events) do the real work. 0 turns it off. */
  queueRefreshMs: Number(__SIEVE_ENV__['VITE_QUEUE_REFRESH_MS'] ?? 30_000),
};
