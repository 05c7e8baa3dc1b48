import { Link } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { authorStrikes } from '../api/authors';
import { useFlagContext } from '../hooks/use-flags';
import { queryKeys } from '../hooks/query-keys';
import { ERASED_TEXT, timeAgo } from './format';

const OUTCOME: Record<string, string> = { approve: 'approved', remove: 'removed' };

/** The author's other recent posts on this source and what happened to each. */
export function AuthorContext({
  flagId,
  source,
  authorId,
  blurred = false,
}: {
  flagId: string;
  source: string;
  authorId: string;
  /** While the item's post is blurred, so are the same author's other posts. */
  blurred?: boolean;
}) {
  const context = useFlagContext(flagId);
  const recent = context.data?.authorRecent ?? [];
  return (
    <section className="author-context" aria-label="Author context">
      <h2>Recent posts by {authorId}</h2>
      <Strikes source={source} authorId={authorId} />
      {context.isSuccess && recent.length === 0 && (
        <p className="muted">No other posts from this author.</p>
      )}
      <ul>
        {recent.map((e) => (
          <li key={e.eventId}>
            <span className="muted small">{timeAgo(e.createdAt)}</span>{' '}
            {e.flagId ? (
              <Link to={`/flags/${e.flagId}`} className={blurred ? 'blurred-inline' : undefined}>
                {e.erased ? ERASED_TEXT : e.text}
              </Link>
            ) : (
              <span className={blurred ? 'blurred-inline' : undefined}>
                {e.erased ? ERASED_TEXT : e.text}
              </span>
            )}{' '}
            <span className={`badge badge-${e.finalAction ? 'decided' : (e.status ?? 'allowed')}`}>
              {e.finalAction ? OUTCOME[e.finalAction] : e.status ? e.status : 'not flagged'}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

const LEVEL_TEXT = {
  none: 'no repeat-offender level',
  raise: 'a repeat offender',
  restrict: 'over the restrict threshold: an account restriction was recommended to the platform',
  suspend: 'over the suspend threshold: an account suspension was recommended to the platform',
} as const;

/** The author's strikes in the window, and why each counts. */
function Strikes({ source, authorId }: { source: string; authorId: string }) {
  const strikes = useQuery({
    queryKey: queryKeys.strikes(source, authorId),
    queryFn: () => authorStrikes(source, authorId),
  });
  const s = strikes.data;
  if (!s || s.counted.length === 0) return null;
  return (
    <details className={`strikes strikes-${s.level}`} data-testid="strikes">
      <summary>
        <strong>
          {s.strikes} strike{s.strikes === 1 ? '' : 's'}
        </strong>{' '}
        in {s.windowDays} days — {LEVEL_TEXT[s.level]}
        {s.nextLevel && (
          <span className="muted">
            {' '}
            ({s.nextLevel.level} at {s.nextLevel.at})
          </span>
        )}
      </summary>
      <ul>
        {s.counted.map((strike) => (
          <li key={strike.flagId}>
            <Link to={`/flags/${strike.flagId}`}>{timeAgo(strike.decidedAt)}</Link>: {strike.weight}{' '}
            — {strike.why}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** How near-identical posts were decided, so like cases are decided alike. */
export function SimilarDecisions({ flagId }: { flagId: string }) {
  const context = useFlagContext(flagId);
  const similar = context.data?.similarDecided ?? [];
  return (
    <section className="author-context" aria-label="Similar past decisions">
      <h2>Similar past decisions</h2>
      {context.data?.precedent && (
        <p className="precedent" role="note" data-testid="precedent">
          Precedent: {context.data.precedent.count} posts at least{' '}
          {Math.round(context.data.precedent.minSimilarity * 100)}% alike were all{' '}
          {context.data.precedent.action === 'remove' ? 'removed' : 'approved'}.
        </p>
      )}
      {context.isSuccess && similar.length === 0 && (
        <p className="muted">No decided post resembles this one.</p>
      )}
      <ul>
        {similar.map((s) => (
          <li key={s.flagId}>
            <span className="muted small">{Math.round(s.similarity * 100)}% alike</span>{' '}
            <Link to={`/flags/${s.flagId}`}>{s.text}</Link>{' '}
            <span className="badge badge-decided">
              {s.finalAction ? OUTCOME[s.finalAction] : 'decided'}
            </span>
            {s.reason && <span className="muted small"> · {s.reason}</span>}
            {s.decidedAt && <span className="muted small"> · {timeAgo(s.decidedAt)}</span>}
          </li>
        ))}
      </ul>
      <p className="muted small">
        {context.data?.similarBy === 'trigrams'
          ? 'Compared by shared letters among recent decisions (this post has no vector yet).'
          : 'Compared by text vectors across all decisions.'}{' '}
        <Link to={`/similar?flagId=${encodeURIComponent(flagId)}`}>Find posts like this</Link>
      </p>
    </section>
  );
}
