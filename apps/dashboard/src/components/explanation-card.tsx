import type { ExplanationDto } from '@sieve/contracts';
import type { ExplanationWarning } from '@sieve/moderation';
import { useCategoryLabel } from '../hooks/use-system';
import { percent } from './format';

const VERDICT: Record<string, string> = {
  violates: 'Violates',
  does_not_violate: 'Does not violate',
  unclear: 'Unclear',
};

const cost = (e: ExplanationDto) =>
  e.explainer === 'offline'
    ? 'offline, no cost'
    : `${e.promptTokens + e.completionTokens} tokens · $${e.costUsd.toFixed(4)}`;

/** What Sieve's checks found in the model's answer: shown first, never hidden. */
function Warnings({ warnings }: { warnings: ExplanationWarning[] }) {
  if (warnings.length === 0) return null;
  return (
    <ul className="explanation-warnings" aria-label="Checks on this answer">
      {warnings.map((w) => (
        <li key={w.code} className="warning" data-code={w.code}>
          {w.message}
        </li>
      ))}
    </ul>
  );
}

/**
 * A checked explanation. Everything the model writes is rendered as text: it may echo the post,
 * which is untrusted.
 */
export function ExplanationCardView({
  explanation,
  blurQuotes = false,
  onQuote,
}: {
  explanation: ExplanationDto;
  blurQuotes?: boolean;
  /** A quote was chosen: show where it is in the post. */
  onQuote?: (quote: string) => void;
}) {
  const label = useCategoryLabel();
  const quoteClass = blurQuotes ? 'quote blurred-inline' : 'quote';
  return (
    <>
      <Warnings warnings={explanation.card.warnings} />
      <p>{explanation.card.summary}</p>
      <ul className="verdicts">
        {explanation.card.categories.map((c) => (
          <li key={c.category}>
            <strong>{label(c.category)}</strong>{' '}
            <span className={`verdict verdict-${c.verdict}`}>
              {VERDICT[c.verdict] ?? c.verdict}
            </span>{' '}
            <span className="muted small">confidence {percent(c.confidence)}</span>
            <p>{c.rationale}</p>
            {c.quotes.map((q) => (
              <button
                key={q}
                type="button"
                className="quote-link"
                title="Show it in the post"
                onClick={() => onQuote?.(q)}
              >
                <q className={quoteClass}>{q}</q>
              </button>
            ))}
          </li>
        ))}
      </ul>
      {explanation.followUps.map((f, i) => (
        <div key={i} className="follow-up">
          <p className="muted">Q: {f.question}</p>
          <Warnings warnings={f.warnings} />
          <p>{f.answer}</p>
          {f.quotes.map((q) => (
            <q key={q} className={quoteClass}>
              {q}
            </q>
          ))}
        </div>
      ))}
      <p className="muted small">
        {explanation.explainer === 'offline' ? 'Offline explainer' : explanation.model} ·{' '}
        {cost(explanation)}
      </p>
    </>
  );
}
