import type { ContentFilter } from '@sieve/moderation';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router-dom';
import type { FlagSummary } from '../../api/flags';
import { CategoryChips } from '../../components/category-chips';
import { timeAgo } from '../../components/format';
import { StatusBadge } from '../../components/status-badge';
import { useContentFilter } from '../../hooks/use-wellness';

/**
 * The queue's rows: the cursor's row marked, a checkbox each for reviewers. Focus follows the
 * cursor (j/k) and the cursor follows focus (Tab), so keyboard and screen-reader users are on
 * the same row.
 */
export function QueueTable({
  flags,
  cursor,
  moveTo,
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
  moveTo: (index: number) => void;
  selected: Set<string>;
  toggle: (id: string) => void;
  canSelect: boolean;
  me: string | undefined;
  now: number;
  isOverdue: (createdAt: string, queue?: string) => boolean;
  onAuthor: (authorId: string) => void;
}) {
  const filterOf = useContentFilter();
  const table = useRef<HTMLTableElement>(null);
  const cursorId = flags[cursor]?.id;
  useEffect(() => {
    // Only when nothing else has the focus (a field, a button elsewhere keeps it).
    const active = document.activeElement;
    if (active && active !== document.body && !table.current?.contains(active)) return;
    table.current?.querySelector<HTMLElement>('tr[aria-current="true"] .post-link')?.focus();
  }, [cursorId]);
  return (
    <table className="queue" data-testid="queue" ref={table}>
      <thead>
        <tr>
          {canSelect && (
            <th className="select-col">
              <span className="visually-hidden">Selected</span>
            </th>
          )}
          <th>Post</th>
          <th>Categories</th>
          <th className="col-source">Source</th>
          <th>Status</th>
          <th className="col-flagged">Flagged</th>
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
              <Link
                to={`/flags/${flag.id}`}
                className="post-link"
                onFocus={() => index !== cursor && moveTo(index)}
              >
                {flag.event.erasedAt ? (
                  <em className="muted">Erased at the author's request</em>
                ) : (
                  <FilteredLine text={flag.event.text} mode={filterOf(flag.triggered)} />
                )}
              </Link>
              <span className="muted small">
                by{' '}
                <button
                  type="button"
                  className="link-button"
                  // One tab stop per row is enough: the Author field filters the same way.
                  tabIndex={-1}
                  title="Only this author's flags"
                  onClick={() => onAuthor(flag.event.authorId)}
                >
                  {flag.event.authorId}
                </button>
                {flag.author && flag.author.level !== 'none' && (
                  <span
                    className={`chip chip-offender chip-offender-${flag.author.level}`}
                    title={`${flag.author.strikes} strikes: ${flag.author.level}`}
                  >
                    repeat offender
                  </span>
                )}
                {flag.event.lang ? ` · ${flag.event.lang}` : ''}
              </span>
            </td>
            <td>
              <CategoryChips triggered={flag.triggered} />
            </td>
            <td className="col-source">{flag.event.source}</td>
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
            <td className="muted col-flagged" title={flag.createdAt}>
              {timeAgo(flag.createdAt, now)}
              {flag.status !== 'decided' && isOverdue(flag.createdAt, flag.queue) && (
                <span className="overdue-mark">overdue</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A queue row's text under the reviewer's content filter; a warned post shows no text at all. */
export function FilteredLine({ text, mode }: { text: string; mode: ContentFilter }) {
  if (mode === 'warn')
    return <span className="warned-inline">Content warning — open the item to view it</span>;
  if (mode === 'blur')
    return (
      <span className="blurred-inline" title="Sensitive content: open to reveal">
        {text}
      </span>
    );
  return <span className={mode === 'greyscale' ? 'greyscale' : undefined}>{text}</span>;
}
