/** Every build-time setting of the dashboard, read in one place. */
export const config = {
  /** The api's base path; the dev server and production web server proxy it. */
  apiBaseUrl: (import.meta.env.VITE_API_BASE_URL as string | undefined) ?? '/api',
  /** How often the queue refreshes, until live updates arrive. */
  queueRefreshMs: Number(import.meta.env.VITE_QUEUE_REFRESH_MS ?? 2000),
};
