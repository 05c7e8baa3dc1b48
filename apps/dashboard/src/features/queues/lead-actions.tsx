import { useState } from 'react';
import type { Queue } from '../../api/queues';
import { useLeadActions, useQueueMembers } from '../../hooks/use-queues';

/** For the leads of the item's queue: give it to a member, or move it to another queue (audited). */
export function LeadActions({
  flagId,
  queue,
  queues,
}: {
  flagId: string;
  queue: Queue;
  queues: Queue[];
}) {
  const members = useQueueMembers(queue.id);
  const { move, assign } = useLeadActions(flagId);
  const [assignee, setAssignee] = useState('');
  const [target, setTarget] = useState('');
  const [reason, setReason] = useState('');
  const error = move.error ?? assign.error;
  return (
    <section className="lead-actions-panel" aria-label="Queue lead">
      <h2>Queue lead</h2>
      <div className="lead-actions">
        <label>
          Assign to
          <select value={assignee} onChange={(e) => setAssignee(e.target.value)}>
            <option value="">choose a member…</option>
            {members.data?.map((m) => (
              <option key={m.id} value={m.id}>
                {m.displayName}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={!assignee || assign.isPending}
          onClick={() => assign.mutate(assignee, { onSuccess: () => setAssignee('') })}
        >
          Assign
        </button>
      </div>
      <div className="lead-actions">
        <label>
          Move to
          <select value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">choose a queue…</option>
            {queues
              .filter((q) => q.id !== queue.id)
              .map((q) => (
                <option key={q.id} value={q.id}>
                  {q.name}
                </option>
              ))}
          </select>
        </label>
        <label>
          Why
          <input value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <button
          type="button"
          disabled={!target || !reason.trim() || move.isPending}
          onClick={() =>
            move.mutate(
              { queue: target, reason: reason.trim() },
              {
                onSuccess: () => {
                  setTarget('');
                  setReason('');
                },
              },
            )
          }
        >
          Move
        </button>
      </div>
      {assign.isSuccess && <p role="status">Assigned to {assign.data.displayName}.</p>}
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
    </section>
  );
}
