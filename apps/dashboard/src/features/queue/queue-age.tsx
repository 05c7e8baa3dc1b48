import type { FlagFilters } from '../../api/flags';
import { timeAgo } from '../../components/format';
import { useFlagCounts } from '../../hooks/use-flags';

/** How much is waiting and how long the oldest has waited, against the review target. */
export function QueueAge({
  filters,
  now,
  isOverdue,
  slaMinutes,
}: {
  filters: FlagFilters;
  now: number;
  isOverdue: (createdAt: string) => boolean;
  slaMinutes: number;
}) {
  const counts = useFlagCounts(filters);
  const oldest = counts.data?.oldestWaitingAt;
  if (!counts.data || !oldest) return null;
  return (
    <p className={`queue-age ${isOverdue(oldest) ? 'overdue' : ''}`} data-testid="queue-age">
      {counts.data.open + counts.data.claimed + counts.data.escalated} waiting · oldest flagged{' '}
      {timeAgo(oldest, now)}
      {isOverdue(oldest) && ` — over the ${slaMinutes} min target`}
    </p>
  );
}
