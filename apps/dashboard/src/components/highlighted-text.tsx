import type { HighlightDto } from '@sieve/contracts';
import { useCategoryLabel } from '../hooks/use-system';

/** A highlight's category for the span an explanation quote points at. */
export const QUOTED = '__quoted';

/** The post with the spans that drove its score marked. Every piece stays a text node. */
export function HighlightedText({
  text,
  highlights,
}: {
  text: string;
  highlights: HighlightDto[];
}) {
  const label = useCategoryLabel();
  const spans = [...highlights]
    .filter((h) => h.end > h.start && h.end <= text.length)
    .sort((a, b) => a.start - b.start);
  // Overlapping matches ("I will kill", "kill you") merge into one mark.
  const merged: HighlightDto[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  const pieces: { text: string; category?: string }[] = [];
  let at = 0;
  for (const span of merged) {
    if (span.start > at) pieces.push({ text: text.slice(at, span.start) });
    pieces.push({ text: text.slice(span.start, span.end), category: span.category });
    at = span.end;
  }
  if (at < text.length) pieces.push({ text: text.slice(at) });
  return (
    <>
      {pieces.map((p, i) =>
        p.category === QUOTED ? (
          <mark key={i} className="quote-focus" title="Quoted in the explanation">
            {p.text}
          </mark>
        ) : p.category ? (
          <mark key={i} title={label(p.category)} data-category={p.category}>
            {p.text}
          </mark>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </>
  );
}
