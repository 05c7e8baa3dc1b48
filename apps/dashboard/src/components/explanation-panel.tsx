import { type FormEvent, useEffect, useRef, useState } from 'react';
import { type Explanation, streamExplanation } from '../api/explanations';
import { useExplanation } from '../hooks/use-explanation';
import { useHotkeys } from '../hooks/use-hotkeys';
import { useCategoryLabel } from '../hooks/use-system';
import { percent } from './format';

const VERDICT: Record<string, string> = {
  violates: 'Violates',
  does_not_violate: 'Does not violate',
  unclear: 'Unclear',
};

const cost = (e: Explanation) =>
  e.explainer === 'offline'
    ? 'offline, no cost'
    : `${e.promptTokens + e.completionTokens} tokens · $${e.costUsd.toFixed(4)}`;

/**
 * "Why was this flagged?": streams the explainer's answer as plain text, then shows the card.
 * Everything the model writes is rendered as text: it may echo the post, which is untrusted.
 */
export function ExplanationPanel({ flagId, canAsk }: { flagId: string; canAsk: boolean }) {
  const { stored, replace } = useExplanation(flagId);
  const [streaming, setStreaming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [question, setQuestion] = useState('');
  const abort = useRef<AbortController | null>(null);
  const label = useCategoryLabel();
  useEffect(() => () => abort.current?.abort(), [flagId]);

  const run = async (body: { question?: string; regenerate?: boolean }) => {
    abort.current?.abort();
    abort.current = new AbortController();
    setError(null);
    setStreaming('');
    try {
      const result = await streamExplanation(
        flagId,
        body,
        (text) => setStreaming((s) => (s ?? '') + text),
        abort.current.signal,
      );
      replace(result);
    } catch (e) {
      if (!abort.current.signal.aborted) setError(e instanceof Error ? e.message : String(e));
    } finally {
      setStreaming(null);
    }
  };
  useHotkeys({ w: () => void run({}) }, canAsk && streaming === null);

  const ask = (event: FormEvent) => {
    event.preventDefault();
    if (!question.trim()) return;
    void run({ question: question.trim() });
    setQuestion('');
  };
  const explanation = stored.data;

  return (
    <section className="explanation" aria-label="Explanation" data-testid="explanation">
      <header className="explanation-head">
        <h2>Why was this flagged?</h2>
        {canAsk && (
          <button
            onClick={() => void run(explanation ? { regenerate: true } : {})}
            disabled={streaming !== null}
          >
            {explanation ? 'Ask again' : 'Explain'} <kbd>w</kbd>
          </button>
        )}
      </header>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {streaming !== null && (
        <pre className="stream" data-testid="explanation-stream" aria-live="polite">
          {streaming || 'Thinking…'}
        </pre>
      )}
      {explanation && streaming === null && (
        <div className="card" data-testid="explanation-card">
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
                  <q key={q} className="quote">
                    {q}
                  </q>
                ))}
              </li>
            ))}
          </ul>
          {explanation.followUps.map((f, i) => (
            <div key={i} className="follow-up">
              <p className="muted">Q: {f.question}</p>
              <p>{f.answer}</p>
            </div>
          ))}
          <p className="muted small">
            {explanation.explainer === 'offline' ? 'Offline explainer' : explanation.model} ·{' '}
            {cost(explanation)}
          </p>
          {canAsk && (
            <form onSubmit={ask} className="ask">
              <input
                aria-label="Follow-up question"
                placeholder="Ask a follow-up question"
                value={question}
                maxLength={1000}
                onChange={(e) => setQuestion(e.target.value)}
              />
              <button type="submit" disabled={streaming !== null || !question.trim()}>
                Ask
              </button>
            </form>
          )}
        </div>
      )}
    </section>
  );
}
