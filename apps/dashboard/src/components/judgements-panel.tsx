import type { JudgementDto } from '@sieve/contracts';
import { useCategoryLabel } from '../hooks/use-system';
import { percent } from './format';

const UNJUDGED: Record<NonNullable<JudgementDto['unjudgedReason']>, string> = {
  budget_exhausted: "not judged: the judge's daily budget was spent, so it came to review",
  rate_capped: 'not judged: the judge was at its rate cap, so it came to review',
  invalid_answer: 'not judged: the model did not answer with a judgement, so it came to review',
  judge_failed: 'not judged: the judge could not be reached, so it came to review',
  store_failed: 'not judged: its judgement could not be saved, so it came to review',
};

/**
 * What the chat model said about the platform's own rules (custom categories) for this post:
 * its verdict, confidence, the words that show it (click one to find it in the post) and why.
 * Offline judgements and rules in shadow mode say so.
 */
export function JudgementsPanel({
  judgements,
  blurQuotes,
  onQuote,
}: {
  judgements: JudgementDto[];
  blurQuotes: boolean;
  onQuote: (quote: string) => void;
}) {
  const label = useCategoryLabel();
  if (judgements.length === 0) return null;
  return (
    <section className="judgements" data-testid="judgements">
      <h2>Your rules</h2>
      {judgements.map((j) => (
        <article key={j.category} className="judgement" data-testid={`judgement-${j.category}`}>
          <header>
            <strong>{label(j.category)}</strong>{' '}
            {j.judged ? (
              <span className={j.violates ? 'review-text' : 'muted'}>
                {j.violates ? 'breaks the rule' : 'does not break it'} · {percent(j.score ?? 0)}{' '}
                likely a violation
              </span>
            ) : (
              <span className="review-text">{UNJUDGED[j.unjudgedReason ?? 'judge_failed']}</span>
            )}
            {j.shadow && <span className="chip">shadow: not acted on</span>}
          </header>
          {j.evidence.length > 0 && (
            <p className={`evidence ${blurQuotes ? 'blurred' : ''}`}>
              {j.evidence.map((q) => (
                <button
                  key={q}
                  className="link-button evidence-quote"
                  title="Find it in the post"
                  onClick={() => onQuote(q)}
                >
                  “{q}”
                </button>
              ))}
            </p>
          )}
          {j.rationale && <p className="small">{j.rationale}</p>}
          <p className="muted small">
            {j.offline ? 'Offline similarity judge (no language model)' : j.judge}
            {j.cached && ' · answer reused for the same text'}
            {j.droppedEvidence > 0 &&
              ` · ${j.droppedEvidence} quote(s) not found in the post were dropped`}
          </p>
          {j.postAddressesModel && (
            <p className="review-text small" role="note">
              The post addresses the model (it may try to steer the verdict): check it yourself.
            </p>
          )}
        </article>
      ))}
    </section>
  );
}
