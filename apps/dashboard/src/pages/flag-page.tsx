import { Link, useParams } from 'react-router-dom';
import { CategoryChips } from '../components/category-chips';
import { timeAgo } from '../components/format';
import { ScoreChart } from '../components/score-chart';
import { StatusBadge } from '../components/status-badge';
import { useFlag } from '../hooks/use-flags';

export function FlagPage() {
  const { id = '' } = useParams();
  const flag = useFlag(id);

  return (
    <section>
      <Link to="/" className="back">
        ← Queue
      </Link>
      {flag.isPending && <p className="muted">Loading…</p>}
      {flag.isError && (
        <p className="error" role="alert">
          {flag.error.message}
        </p>
      )}
      {flag.data && (
        <article className="flag" data-testid="flag-detail">
          <header className="page-header">
            <h1>Flagged post</h1>
            <StatusBadge status={flag.data.status} />
          </header>
          {/* User content: rendered as text only, never as HTML. */}
          <blockquote className="post-text">{flag.data.event.text}</blockquote>
          <dl className="facts">
            <dt>Author</dt>
            <dd>{flag.data.event.authorId}</dd>
            <dt>Source</dt>
            <dd>
              {flag.data.event.source} · event {flag.data.event.eventId}
            </dd>
            {flag.data.event.lang && (
              <>
                <dt>Language</dt>
                <dd>{flag.data.event.lang}</dd>
              </>
            )}
            {flag.data.event.context?.threadId && (
              <>
                <dt>Thread</dt>
                <dd>{flag.data.event.context.threadId}</dd>
              </>
            )}
            <dt>Posted</dt>
            <dd title={flag.data.event.createdAt}>{timeAgo(flag.data.event.createdAt)}</dd>
            <dt>Decision</dt>
            <dd>
              {flag.data.autoDecision === 'block' ? 'Blocked automatically' : 'Needs review'} by
              policy v{flag.data.policyVersion} · {flag.data.model}
            </dd>
            <dt>Triggered</dt>
            <dd>
              <CategoryChips triggered={flag.data.triggered} max={11} />
            </dd>
          </dl>
          <h2>Scores against thresholds</h2>
          <ScoreChart scores={flag.data.scores} thresholds={flag.data.thresholds} />
        </article>
      )}
    </section>
  );
}
