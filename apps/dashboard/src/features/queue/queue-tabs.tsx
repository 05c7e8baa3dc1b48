import type { Queue } from '../../api/queues';
import { timeAgo } from '../../components/format';

/**
 * The queues the reviewer works in, each with what waits and how old the oldest is (red past
 * the queue's target); "All my queues" shows them together.
 */
export function QueueTabs({
  queues,
  selected,
  select,
  now,
}: {
  queues: Queue[];
  selected: string | undefined;
  select: (id: string) => void;
  now: number;
}) {
  if (queues.length <= 1) return null;
  return (
    <nav className="queue-tabs" aria-label="Queues" data-testid="queue-tabs">
      <button
        type="button"
        aria-pressed={!selected}
        className={!selected ? 'active' : ''}
        onClick={() => select('')}
      >
        All my queues
      </button>
      {queues.map((q) => {
        const overdue =
          q.oldestWaitingAt !== null && now - Date.parse(q.oldestWaitingAt) > q.slaMinutes * 60_000;
        return (
          <button
            key={q.id}
            type="button"
            aria-pressed={selected === q.id}
            className={selected === q.id ? 'active' : ''}
            onClick={() => select(q.id)}
            title={q.description || undefined}
          >
            {q.name}{' '}
            <span className={`count ${overdue ? 'overdue' : ''}`}>{q.waiting + q.claimed}</span>
            {q.oldestWaitingAt && (
              <span className="muted small"> · {timeAgo(q.oldestWaitingAt, now)}</span>
            )}
          </button>
        );
      })}
    </nav>
  );
}
