import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { hasRole } from '../../api/auth';
import { timeAgo } from '../../components/format';
import { StatusBadge } from '../../components/status-badge';
import { useSession } from '../../hooks/use-session';
import { useCategoryLabel, useSystemInfo } from '../../hooks/use-system';
import { useDecideWave, useExcludeWaveMember, useWave } from '../../hooks/use-waves';
import { useContentFilter } from '../../hooks/use-wellness';
import { FilteredLine } from '../queue/queue-table';
import { CAMPAIGN_REASONS } from './wave-rows';

/**
 * A wave: its members, each excludable, and one decision for all the others. Each member is
 * decided with the single-flag rules (members someone else holds are skipped and named).
 */
export function WavePage() {
  const { id = '' } = useParams();
  const wave = useWave(id);
  const session = useSession();
  const system = useSystemInfo();
  const decide = useDecideWave(id);
  const exclude = useExcludeWaveMember(id);
  const filterOf = useContentFilter();
  const label = useCategoryLabel();
  const [action, setAction] = useState<'remove' | 'approve'>('remove');
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const canReview = hasRole(session.data?.user.role ?? 'viewer', 'reviewer');
  const reasons = system.data?.review.reasons[action] ?? [];

  if (wave.isPending) return <p className="muted">Loading…</p>;
  if (wave.isError)
    return (
      <p className="error" role="alert">
        {wave.error.message}
      </p>
    );
  const w = wave.data;
  const open = w.status === 'open';
  const pending = w.members.filter((m) => !m.excluded && m.flag.status !== 'decided');
  return (
    <section>
      <p>
        <Link to="/">← Queue</Link>
      </p>
      <header className="page-header">
        <h1>
          Wave of {w.size} posts{' '}
          {w.raised && (
            <span className="badge badge-escalated">
              Campaign: {CAMPAIGN_REASONS[w.raised.reason]}
            </span>
          )}
        </h1>
      </header>
      <p className="muted" data-testid="wave-facts">
        {w.authors} authors · first seen {timeAgo(w.firstSeenAt)} · last seen{' '}
        {timeAgo(w.lastSeenAt)}
        {w.growthPerMinute > 0 && ` · +${w.growthPerMinute} posts/min`} · highest score{' '}
        {w.maxScore.toFixed(2)}
      </p>
      <p className="chips" aria-label="Categories its posts triggered">
        {w.categories.map((c) => (
          <span key={c} className="chip chip-review">
            {label(c)}
          </span>
        ))}
      </p>
      {w.decided && (
        <p role="status" data-testid="wave-decided">
          Decided {timeAgo(w.decided.at)}: {w.decided.action === 'remove' ? 'removed' : 'approved'}.
        </p>
      )}
      {decide.isSuccess && (
        <p role="status" data-testid="wave-result">
          {decide.data.decided} posts {action === 'remove' ? 'removed' : 'approved'}
          {decide.data.skipped.length > 0 &&
            `; ${decide.data.skipped.length} left as they were (${decide.data.skipped[0].reason})`}
          . <Link to="/">Back to the queue</Link>
        </p>
      )}
      {decide.isError && (
        <p className="error" role="alert">
          {decide.error.message}
        </p>
      )}
      {open && canReview && (
        <form
          className="wave-decision"
          aria-label="Decide the whole wave"
          onSubmit={(e) => {
            e.preventDefault();
            decide.mutate({ action, reason, note: note || undefined });
          }}
        >
          <fieldset>
            <legend>Decide every post not excluded ({pending.length})</legend>
            <label>
              <input
                type="radio"
                name="action"
                checked={action === 'remove'}
                onChange={() => {
                  setAction('remove');
                  setReason('');
                }}
              />{' '}
              Remove
            </label>{' '}
            <label>
              <input
                type="radio"
                name="action"
                checked={action === 'approve'}
                onChange={() => {
                  setAction('approve');
                  setReason('');
                }}
              />{' '}
              Approve
            </label>{' '}
            <label>
              Reason{' '}
              <select value={reason} onChange={(e) => setReason(e.target.value)} required>
                <option value="">Choose…</option>
                {reasons.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            </label>{' '}
            <label>
              Note <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={4000} />
            </label>{' '}
            <button
              className={action === 'remove' ? 'danger' : 'primary'}
              disabled={!reason || decide.isPending || pending.length === 0}
            >
              {action === 'remove' ? 'Remove' : 'Approve'} {pending.length} posts
            </button>
          </fieldset>
        </form>
      )}
      <table className="queue" data-testid="wave-members">
        <thead>
          <tr>
            <th>Post</th>
            <th>Author</th>
            <th>Alike</th>
            <th>Status</th>
            {open && canReview && <th>In the wave</th>}
          </tr>
        </thead>
        <tbody>
          {w.members.map((m) => (
            <tr
              key={m.flag.id}
              className={m.excluded ? 'excluded' : undefined}
              data-testid="wave-member"
            >
              <td>
                <Link to={`/flags/${m.flag.id}`} className="post-link">
                  <FilteredLine text={m.flag.event.text} mode={filterOf(m.flag.triggered)} />
                </Link>
              </td>
              <td className="muted small">{m.flag.event.authorId}</td>
              <td>{Math.round(m.similarity * 100)}%</td>
              <td>
                <StatusBadge status={m.flag.status} />
              </td>
              {open && canReview && (
                <td>
                  {m.excluded ? (
                    <span className="muted small">
                      excluded{m.excluded.by ? ` by ${m.excluded.by}` : ''}
                    </span>
                  ) : (
                    <button
                      className="link-button"
                      disabled={exclude.isPending}
                      onClick={() => exclude.mutate(m.flag.id)}
                      aria-label={`Exclude this post from the wave`}
                    >
                      Exclude
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
