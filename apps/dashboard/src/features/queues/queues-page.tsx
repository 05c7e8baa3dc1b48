import { type FormEvent, useState } from 'react';
import { hasRole, ROLE_LABELS } from '../../api/auth';
import { QUEUE_ORDERINGS, type Queue, type QueueInput, type QueueMember } from '../../api/queues';
import { timeAgo } from '../../components/format';
import { useNow } from '../../hooks/use-now';
import {
  useCreateQueue,
  useQueuePeople,
  usePublishRouting,
  useQueues,
  useRoutingVersions,
  useUpdateQueue,
} from '../../hooks/use-queues';
import { useSession } from '../../hooks/use-session';
import { RoutingEditor } from './routing-editor';

const ORDERING_LABELS: Record<Queue['ordering'], string> = {
  oldest: 'longest waiting first',
  severity: 'most severe first',
  priority: 'priority (severity and the author’s strikes)',
};
const DECIDING_ROLES = ['reviewer', 'policy_admin', 'admin'] as const;

const EMPTY: QueueInput & { id: string } = {
  id: '',
  name: '',
  description: '',
  memberRole: null,
  memberIds: [],
  leadIds: [],
  decideRole: 'reviewer',
  slaMinutes: 60,
  ordering: 'oldest',
  goldenRate: 0,
  secondReviewRate: 0,
};

/** Queues (who works in them, their target and order) and the routing rules that fill them. */
export function QueuesPage() {
  const session = useSession();
  const canEdit = hasRole(session.data?.user.role ?? 'viewer', 'policy_admin');
  const queues = useQueues();
  const versions = useRoutingVersions();
  const publish = usePublishRouting();
  const people = useQueuePeople(canEdit);
  const now = useNow();
  const [editing, setEditing] = useState<string | null>(null);
  const nameOf = (id: string) => people.data?.find((p) => p.id === id)?.displayName ?? 'someone';

  return (
    <section>
      <header className="page-header">
        <h1>Queues and routing</h1>
      </header>
      <table className="queue" data-testid="queue-list">
        <thead>
          <tr>
            <th>Queue</th>
            <th>Members</th>
            <th>Decided by</th>
            <th>Target</th>
            <th>Order</th>
            <th>Quality checks</th>
            <th>Waiting</th>
            {canEdit && <th />}
          </tr>
        </thead>
        <tbody>
          {queues.data?.map((q) => (
            <tr key={q.id} data-testid={`queue-${q.id}`}>
              <td>
                <strong>{q.name}</strong> <code>{q.id}</code>
                {q.description && <div className="muted small">{q.description}</div>}
              </td>
              <td>
                {q.memberRole && `${ROLE_LABELS[q.memberRole]}s and above`}
                {q.memberRole && q.memberIds.length > 0 && ', '}
                {q.memberIds.map(nameOf).join(', ')}
                {q.leadIds.length > 0 && (
                  <div className="muted small">Leads: {q.leadIds.map(nameOf).join(', ')}</div>
                )}
              </td>
              <td>{ROLE_LABELS[q.decideRole]}s and above</td>
              <td>{q.slaMinutes} min</td>
              <td>{ORDERING_LABELS[q.ordering]}</td>
              <td>
                {q.goldenRate === 0 && q.secondReviewRate === 0
                  ? 'off'
                  : `golden ${percent(q.goldenRate)} · second review ${percent(q.secondReviewRate)}`}
              </td>
              <td>
                {q.waiting + q.claimed}
                {q.oldestWaitingAt && (
                  <span
                    className={
                      now - Date.parse(q.oldestWaitingAt) > q.slaMinutes * 60_000
                        ? 'overdue-text'
                        : 'muted'
                    }
                  >
                    {' '}
                    · oldest {timeAgo(q.oldestWaitingAt, now)}
                  </span>
                )}
              </td>
              {canEdit && (
                <td>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => setEditing(editing === q.id ? null : q.id)}
                  >
                    {editing === q.id ? 'Close' : 'Edit'}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {canEdit && editing && (
        <QueueForm
          key={editing}
          queue={queues.data?.find((q) => q.id === editing)}
          people={people.data ?? []}
          onDone={() => setEditing(null)}
        />
      )}
      {canEdit && <QueueForm people={people.data ?? []} />}
      {versions.data && (
        <RoutingEditor
          key={versions.data[0]?.version ?? 0}
          live={versions.data[0]}
          queues={queues.data ?? []}
          canEdit={canEdit}
          publish={publish}
        />
      )}
      {versions.data && versions.data.length > 0 && (
        <section className="panel">
          <h2>Routing history</h2>
          <ol className="plain">
            {versions.data.map((v) => (
              <li key={v.version}>
                Version {v.version} · {timeAgo(v.publishedAt, now)} · {v.rules.length} rule
                {v.rules.length === 1 ? '' : 's'}
                {v.changeNote && <span className="muted"> — {v.changeNote}</span>}
              </li>
            ))}
          </ol>
        </section>
      )}
    </section>
  );
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

/** A new queue, or the changes to one. */
function QueueForm({
  queue,
  people,
  onDone,
}: {
  queue?: Queue;
  people: QueueMember[];
  onDone?: () => void;
}) {
  const create = useCreateQueue();
  const update = useUpdateQueue();
  const [form, setForm] = useState<QueueInput & { id: string }>(() =>
    queue
      ? (Object.fromEntries(
          Object.keys(EMPTY).map((k) => [k, queue[k as keyof Queue]]),
        ) as QueueInput & {
          id: string;
        })
      : EMPTY,
  );
  const set = (changes: Partial<typeof form>) => setForm({ ...form, ...changes });
  const toggle = (field: 'memberIds' | 'leadIds', id: string) =>
    set({
      [field]: form[field].includes(id)
        ? form[field].filter((x) => x !== id)
        : [...form[field], id],
    });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { id, ...input } = form;
    const done = { onSuccess: () => (queue ? onDone?.() : setForm(EMPTY)) };
    if (queue) update.mutate({ id, ...input }, done);
    else create.mutate({ id: id.trim(), ...input, name: input.name.trim() }, done);
  };
  const error = create.error ?? update.error;
  const label = queue ? `Edit ${queue.name}` : 'New queue';
  return (
    <form className="stack-form wide" onSubmit={submit} aria-label={label}>
      <h2>{label}</h2>
      <div className="queue-form">
        {!queue && (
          <label>
            Id (in addresses)
            <input
              value={form.id}
              required
              pattern="[a-z0-9][a-z0-9\-]{0,39}"
              placeholder="french"
              onChange={(e) => set({ id: e.target.value })}
            />
          </label>
        )}
        <label>
          Name
          <input value={form.name} required onChange={(e) => set({ name: e.target.value })} />
        </label>
        <label>
          Description
          <input
            value={form.description}
            size={40}
            onChange={(e) => set({ description: e.target.value })}
          />
        </label>
        <label>
          Everyone at
          <select
            value={form.memberRole ?? ''}
            onChange={(e) => set({ memberRole: (e.target.value || null) as Queue['memberRole'] })}
          >
            <option value="">nobody (only the people below)</option>
            {DECIDING_ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]} and above
              </option>
            ))}
          </select>
        </label>
        <label>
          Decided by
          <select
            value={form.decideRole}
            onChange={(e) => set({ decideRole: e.target.value as Queue['decideRole'] })}
          >
            {DECIDING_ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}s and above
              </option>
            ))}
          </select>
        </label>
        <label>
          Target (minutes)
          <input
            type="number"
            min={1}
            value={form.slaMinutes}
            onChange={(e) => set({ slaMinutes: Number(e.target.value) })}
          />
        </label>
        <label>
          Order
          <select
            value={form.ordering}
            onChange={(e) => set({ ordering: e.target.value as Queue['ordering'] })}
          >
            {QUEUE_ORDERINGS.map((o) => (
              <option key={o} value={o}>
                {ORDERING_LABELS[o]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Golden items (% of next items)
          <input
            type="number"
            min={0}
            max={100}
            step="any"
            value={Math.round(form.goldenRate * 1000) / 10}
            onChange={(e) => set({ goldenRate: Number(e.target.value) / 100 })}
          />
        </label>
        <label>
          Second review (% of decisions)
          <input
            type="number"
            min={0}
            max={100}
            step="any"
            value={Math.round(form.secondReviewRate * 1000) / 10}
            onChange={(e) => set({ secondReviewRate: Number(e.target.value) / 100 })}
          />
        </label>
      </div>
      {people.length > 0 && (
        <fieldset className="people">
          <legend>Members and leads</legend>
          <div className="people-grid">
            {people.map((p) => (
              <div key={p.id}>
                <label className="inline">
                  <input
                    type="checkbox"
                    checked={form.memberIds.includes(p.id)}
                    onChange={() => toggle('memberIds', p.id)}
                  />
                  {p.displayName} <span className="muted small">({ROLE_LABELS[p.role]})</span>
                </label>{' '}
                <label className="inline muted small">
                  <input
                    type="checkbox"
                    checked={form.leadIds.includes(p.id)}
                    onChange={() => toggle('leadIds', p.id)}
                    aria-label={`${p.displayName} leads this queue`}
                  />
                  lead
                </label>
              </div>
            ))}
          </div>
        </fieldset>
      )}
      <button type="submit" className="primary" disabled={create.isPending || update.isPending}>
        {queue ? 'Save queue' : 'Create queue'}
      </button>
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
    </form>
  );
}
