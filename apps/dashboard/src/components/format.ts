/** What stands for a post's text once its author's content was erased on request. */
export const ERASED_TEXT = "(erased at the author's request)";

export const percent = (score: number) => `${Math.round(score * 100)}%`;

/** "12 s ago", "5 min ago", "3 h ago", then a date. */
export function timeAgo(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return seconds < 86_400 ? `${span(seconds)} ago` : new Date(iso).toLocaleDateString();
}

/** "in 12 s", "in 5 min", "in 3 h", then a date; "now" once it has passed. */
export function timeUntil(iso: string, now = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (seconds <= 0) return 'now';
  return seconds < 86_400 ? `in ${span(seconds)}` : new Date(iso).toLocaleDateString();
}

/** "12 s", "5 min", "3 h": a length of time in its largest sensible unit. */
export function span(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h`;
}
