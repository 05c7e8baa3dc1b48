import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { type OffenderLevel, type RepeatOffenderDto, repeatOffenders } from '../../api/authors';
import { queryString } from '../../api/client';
import { timeAgo, timeUntil } from '../../components/format';
import { TabList } from '../../components/tab-list';
import { queryKeys } from '../../hooks/query-keys';
import { ALL_STATUSES } from '../queue/use-queue-filters';

/** Counts change within a minute of a decision (the recount), so a minute is fresh enough. */
const REFRESH_MS = 60_000;

const TABS: { value: OffenderLevel; label: string }[] = [
  { value: 'raise', label: 'All repeat offenders' },
  { value: 'restrict', label: 'Restrict and suspend' },
  { value: 'suspend', label: 'Suspend' },
];

const RECOMMENDATION_TEXT: Record<RepeatOffenderDto['recommendation'], string> = {
  none: 'None yet (marked in the queue)',
  restrict: 'Restrict the account',
  suspend: 'Suspend the account',
};

/**
 * The authors whose strikes put them at a repeat-offender level, most struck first, with what
 * Sieve recommended to their platform. A trust-and-safety lead's view of who keeps breaking the
 * rules; each row opens the author's posts in the queue.
 */
export function RepeatOffendersPage() {
  const [level, setLevel] = useState<OffenderLevel>('raise');
  const offenders = useInfiniteQuery({
    queryKey: queryKeys.repeatOffenders(level),
    queryFn: ({ pageParam }) => repeatOffenders(level, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: REFRESH_MS,
  });
  const counts = offenders.data?.pages[0]?.counts;
  const atOrAbove = (from: OffenderLevel) =>
    counts
      ? TABS.slice(TABS.findIndex((t) => t.value === from)).reduce(
          (sum, t) => sum + counts[t.value],
          0,
        )
      : undefined;
  const items = offenders.data?.pages.flatMap((p) => p.items) ?? [];
  const total = atOrAbove(level);
  return (
    <section>
      <h1>Repeat offenders</h1>
      <p className="muted">
        Authors whose restricted posts add up to a repeat-offender level: strikes over a rolling
        window, weighted by category and by whether a person decided. At restrict and suspend their
        platform is sent an account recommendation, and told again when they fall back below it.
        Counted again within a minute of any decision on their posts.
      </p>
      <TabList
        label="Repeat offenders by level"
        tabs={TABS.map((t) => ({
          value: t.value,
          label: counts ? `${t.label} (${atOrAbove(t.value)?.toLocaleString()})` : t.label,
        }))}
        selected={level}
        onSelect={setLevel}
      />
      {offenders.isError && (
        <p className="error" role="alert">
          {offenders.error.message}
        </p>
      )}
      {offenders.isSuccess && items.length === 0 && (
        <p className="empty">No author is at this level.</p>
      )}
      {items.length > 0 && (
        <>
          {total !== undefined && total > items.length && (
            <p className="muted">
              The {items.length.toLocaleString()} most struck of {total.toLocaleString()}.
            </p>
          )}
          <table className="queue" data-testid="repeat-offenders">
            <thead>
              <tr>
                <th scope="col">Author</th>
                <th scope="col">Source</th>
                <th scope="col">Strikes</th>
                <th scope="col">Level</th>
                <th scope="col">Recommended to the platform</th>
                <th scope="col">Counted</th>
                <th scope="col">Oldest strike ages out</th>
              </tr>
            </thead>
            <tbody>
              {items.map((o) => (
                <tr key={`${o.source}\u0000${o.authorId}`}>
                  <td>
                    <Link
                      to={`/${queryString({ source: o.source, authorId: o.authorId, status: ALL_STATUSES, sort: 'newest' })}`}
                      title="This author's flagged posts, decided or not, newest first"
                    >
                      {o.authorId}
                    </Link>
                  </td>
                  <td>{o.source}</td>
                  <td>{o.strikes}</td>
                  <td>
                    <span className={`badge strikes-${o.level}`}>{o.level}</span>
                  </td>
                  <td>{RECOMMENDATION_TEXT[o.recommendation]}</td>
                  <td>{timeAgo(o.countedAt)}</td>
                  <td>{o.recountAt ? timeUntil(o.recountAt) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {offenders.hasNextPage && (
            <button
              className="link-button"
              disabled={offenders.isFetchingNextPage}
              onClick={() => void offenders.fetchNextPage()}
            >
              {offenders.isFetchingNextPage ? 'Loading…' : 'More'}
            </button>
          )}
        </>
      )}
    </section>
  );
}
