import { Link } from 'react-router-dom';
import { useFlagContext } from '../hooks/use-flags';
import { timeAgo } from './format';

const OUTCOME: Record<string, string> = { approve: 'approved', remove: 'removed' };

/** The author's other recent posts on this source and what happened to each. */
export function AuthorContext({
  flagId,
  authorId,
  blurred = false,
}: {
  flagId: string;
  authorId: string;
  /** While the item's post is blurred, so are the same author's other posts. */
  blurred?: boolean;
}) {
  const context = useFlagContext(flagId);
  const recent = context.data?.authorRecent ?? [];
  return (
    <section className="author-context" aria-label="Author context">
      <h2>Recent posts by {authorId}</h2>
      {context.isSuccess && recent.length === 0 && (
        <p className="muted">No other posts from this author.</p>
      )}
      <ul>
        {recent.map((e) => (
          <li key={e.eventId}>
            <span className="muted small">{timeAgo(e.createdAt)}</span>{' '}
            {e.flagId ? (
              <Link to={`/flags/${e.flagId}`} className={blurred ? 'blurred-inline' : undefined}>
                {e.text}
              </Link>
            ) : (
              <span className={blurred ? 'blurred-inline' : undefined}>{e.text}</span>
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

/** How near-identical posts were decided, so like cases are decided alike. */
export function SimilarDecisions({ flagId }: { flagId: string }) {
  const context = useFlagContext(flagId);
  const similar = context.data?.similarDecided ?? [];
  return (
    <section className="author-context" aria-label="Similar past decisions">
      <h2>Similar past decisions</h2>
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
    </section>
  );
}
