import { type FormEvent, useEffect, useRef, useState } from 'react';
import { streamExplanation } from '../api/explanations';
import { useExplanation } from '../hooks/use-explanation';
import { useHotkeys } from '../hooks/use-hotkeys';
import { ExplanationCardView } from './explanation-card';

/**
 * "Why was this flagged?": while the model writes, only its progress is shown; the answer
 * appears once the api has checked it (schema, quotes, warnings).
 */
export function ExplanationPanel({
  flagId,
  canAsk,
  blurQuotes = false,
  onQuote,
}: {
  flagId: string;
  canAsk: boolean;
  /** The post is blurred (wellness setting): so are the model's quotes of it. */
  blurQuotes?: boolean;
  onQuote?: (quote: string) => void;
}) {
  const { stored, replace } = useExplanation(flagId);
  const [received, setReceived] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  // What was asked last, to try again after an error (an interrupted answer is never shown).
  const lastAsked = useRef<{ question?: string; regenerate?: boolean }>({});
  const [question, setQuestion] = useState('');
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), [flagId]);
  const busy = received !== null;

  const run = async (body: { question?: string; regenerate?: boolean }) => {
    lastAsked.current = body;
    abort.current?.abort();
    abort.current = new AbortController();
    setError(null);
    setReceived(0);
    try {
      replace(await streamExplanation(flagId, body, setReceived, abort.current.signal));
    } catch (e) {
      if (!abort.current.signal.aborted) setError(e instanceof Error ? e.message : String(e));
    } finally {
      setReceived(null);
    }
  };
  useHotkeys({ w: () => void run({}) }, canAsk && !busy);

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
          <button onClick={() => void run(explanation ? { regenerate: true } : {})} disabled={busy}>
            {explanation ? 'Ask again' : 'Explain'} <kbd>w</kbd>
          </button>
        )}
      </header>
      {error && (
        <p className="error" role="alert">
          {error}{' '}
          {canAsk && !busy && (
            <button className="link-button" onClick={() => void run(lastAsked.current)}>
              Try again
            </button>
          )}
        </p>
      )}
      {busy && (
        <p className="stream muted" data-testid="explanation-progress" aria-live="polite">
          {received === 0
            ? 'Asking…'
            : `Receiving the answer (${received} characters); it is shown once Sieve has checked it.`}
        </p>
      )}
      {explanation && !busy && (
        <div className="card" data-testid="explanation-card">
          <ExplanationCardView
            explanation={explanation}
            blurQuotes={blurQuotes}
            onQuote={onQuote}
          />
          {canAsk && (
            <form onSubmit={ask} className="ask">
              <input
                aria-label="Follow-up question"
                placeholder="Ask a follow-up question"
                value={question}
                maxLength={1000}
                onChange={(e) => setQuestion(e.target.value)}
              />
              <button type="submit" disabled={busy || !question.trim()}>
                Ask
              </button>
            </form>
          )}
        </div>
      )}
    </section>
  );
}
