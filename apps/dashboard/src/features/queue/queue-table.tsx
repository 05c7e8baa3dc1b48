import { Link } from 'react-router-dom';
import type { FlagSummary } from '../../api/flags';
import { CategoryChips } from '../../components/category-chips';
import { timeAgo } from '../../components/format';
import { StatusBadge } from '../../components/status-badge';

/** The queue's rows: the cursor's row marked, a checkbox each for reviewers. */
export function QueueTable({
  flags,
  cursor,
  selected,
  toggle,
  canSelect,
  me,
  now,
  isOverdue,
  onAuthor,
}: {
  flags: FlagSummary[];
  cursor: number;
  selected: Set<string>;
  toggle: (id: string) => void;
  canSelect: boolean;
  me: string | undefined;
  now: number;
  isOverdue: (createdAt: string) => boolean;
  onAuthor: (authorId: string) => void;
}) {
  return (
    <table className="queue" data-testid="queue">
      <thead>
        <tr>
          {canSelect && <th aria-label="Selected" className="select-col" />}
          <th>Post</th>
          <th>Categories</th>
          <th>Source</th>
          <th>Status</th>
          <th>Flagged</th>
        </tr>
      </thead>
      <tbody>
        {flags.map((flag, index) => (
          <tr
            key={flag.id}
            className={[
              flag.autoDecision === 'block' ? 'row-block' : '',
              index === cursor ? 'row-cursor' : '',
            ].join(' ')}
            aria-current={index === cursor ? 'true' : undefined}
          >
            {canSelect && (
              <td className="select-col">
                <input
                  type="checkbox"
                  aria-label="Select"
                  checked={selected.has(flag.id)}
                  onChange={() => toggle(flag.id)}
                />
              </td>
            )}
            <td className="post">
              <Link to={`/flags/${flag.id}`} className="post-link">
                {flag.event.text}
              </Link>
              <span className="muted small">
                by{' '}
                <button
                  type="button"
                  className="link-button"
                  title="Only this author's flags"
                  onClick={() => onAuthor(flag.event.authorId)}
                >
                  {flag.event.authorId}
                </button>
                {flag.event.lang ? ` · ${flag.event.lang}` : ''}
              </span>
            </td>
            <td>
              <CategoryChips triggered={flag.triggered} />
            </td>
            <td>{flag.event.source}</td>
            <td>
              <StatusBadge status={flag.status} />
              {flag.claim && (
                <span
                  className={`claim-mark ${flag.claim.userId === me ? 'mine' : ''}`}
                  title={`until ${flag.claim.expiresAt}`}
                >
                  {flag.claim.userId === me ? 'You' : flag.claim.displayName}
                </span>
              )}
            </td>
            <td className="muted" title={flag.createdAt}>
              {timeAgo(flag.createdAt, now)}
              {flag.status !== 'decided' && isOverdue(flag.createdAt) && (
                <span className="overdue-mark">overdue</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
