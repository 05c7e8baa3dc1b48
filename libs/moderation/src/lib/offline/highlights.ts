import { scoreOffline } from './offline-scorer';

export interface Highlight {
  category: string;
  start: number;
  end: number;
}

export interface Highlights {
  spans: Highlight[];
  /** How much of the text the spans cover: less than its length when the time budget ran out. */
  coveredChars: number;
}

/** Windows are scanned one after another; they overlap, so a match across a boundary stays whole. */
export const HIGHLIGHT_WINDOW_CHARS = 8192;
/** Half of it is longer than any e-mail address, phone, card, IBAN or lexicon phrase. */
const OVERLAP_CHARS = 640;

/** Where the window after [start, start + WINDOW) begins: at a space in its overlap, not mid-word. */
function nextWindowStart(text: string, start: number): number {
  const from = start + HIGHLIGHT_WINDOW_CHARS - OVERLAP_CHARS;
  const space = text.slice(from, from + OVERLAP_CHARS / 2).search(/\s/);
  return space < 0 ? from : from + space;
}

/**
 * The offline scorer's evidence as spans of `text`, computed window by window within a time
 * budget: a huge or pathological post costs at most about `budgetMs` (plus one window), and the
 * result says how far it got instead of blocking the event loop for all of it.
 */
export function offlineHighlights(
  text: string,
  categoryNames: readonly string[],
  budgetMs: number,
  now: () => number = () => performance.now(),
): Highlights {
  const started = now();
  const seen = new Set<string>();
  const spans: Highlight[] = [];
  let covered = 0;
  for (let start = 0; covered < text.length;) {
    if (start > 0 && now() - started > budgetMs) break;
    const last = start + HIGHLIGHT_WINDOW_CHARS >= text.length;
    const next = last ? text.length : nextWindowStart(text, start);
    const window = text.slice(start, start + HIGHLIGHT_WINDOW_CHARS);
    for (const e of scoreOffline(window, categoryNames).evidence) {
      // A match starting at or after `next` is the next window's (this one may cut it short).
      if (start + e.start >= next) continue;
      const span = { category: e.category, start: start + e.start, end: start + e.end };
      const key = `${span.category}:${span.start}:${span.end}`;
      if (seen.has(key)) continue;
      seen.add(key);
      spans.push(span);
    }
    covered = next;
    start = next;
  }
  return { spans: spans.sort((a, b) => a.start - b.start), coveredChars: covered };
}
