import { useState } from 'react';
import type { Queue, RoutingInput, RoutingRule, RoutingVersion } from '../../api/queues';
import { usePreviewRouting, type usePublishRouting } from '../../hooks/use-queues';
import { useSystemInfo } from '../../hooks/use-system';

/** A rule as the form edits it: lists as comma-separated text, numbers as text. */
interface RuleForm {
  name: string;
  queue: string;
  languages: string;
  categories: string;
  sources: string;
  minScore: string;
  minStrikes: string;
  automatic: '' | 'yes' | 'no';
}

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const toForm = (r: RoutingRule): RuleForm => ({
  name: r.name,
  queue: r.queue,
  languages: (r.when.languages ?? []).join(', '),
  categories: (r.when.categories ?? []).join(', '),
  sources: (r.when.sources ?? []).join(', '),
  minScore: r.when.minScore?.toString() ?? '',
  minStrikes: r.when.minStrikes?.toString() ?? '',
  automatic: r.when.automatic === undefined ? '' : r.when.automatic ? 'yes' : 'no',
});

function toRule(f: RuleForm): RoutingRule {
  const when: RoutingRule['when'] = {};
  if (list(f.languages).length) when.languages = list(f.languages);
  if (list(f.categories).length) when.categories = list(f.categories);
  if (list(f.sources).length) when.sources = list(f.sources);
  if (f.minScore.trim()) when.minScore = Number(f.minScore);
  if (f.minStrikes.trim()) when.minStrikes = Number(f.minStrikes);
  if (f.automatic) when.automatic = f.automatic === 'yes';
  return { name: f.name.trim(), queue: f.queue, when };
}

const EMPTY_RULE: RuleForm = {
  name: '',
  queue: 'default',
  languages: '',
  categories: '',
  sources: '',
  minScore: '',
  minStrikes: '',
  automatic: '',
};

/**
 * The live routing rules, edited as a draft: ordered (first match wins), previewed on the last
 * day's and week's flags, then published with a note as the next version.
 */
export function RoutingEditor({
  live,
  queues,
  canEdit,
  publish,
}: {
  live: RoutingVersion | undefined;
  queues: Queue[];
  canEdit: boolean;
  /** Owned by the page: its outcome outlives this editor, which remounts on a new version. */
  publish: ReturnType<typeof usePublishRouting>;
}) {
  const system = useSystemInfo();
  const preview = usePreviewRouting();
  // The draft starts from the live version; the page remounts this editor when that changes.
  const [rules, setRules] = useState<RuleForm[]>(() => live?.rules.map(toForm) ?? []);
  const [shares, setShares] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      Object.entries(live?.qaShares ?? {}).map(([c, s]) => [c, String(Math.round(s * 1000) / 10)]),
    ),
  );
  const [note, setNote] = useState('');

  const draft = (): RoutingInput => ({
    rules: rules.map(toRule),
    qaShares: Object.fromEntries(
      Object.entries(shares)
        .filter(([, v]) => v.trim() !== '')
        .map(([c, v]) => [c, Number(v) / 100]),
    ),
  });
  const update = (i: number, changes: Partial<RuleForm>) =>
    setRules(rules.map((r, j) => (j === i ? { ...r, ...changes } : r)));
  const move = (i: number, by: number) => {
    const next = [...rules];
    const [rule] = next.splice(i, 1);
    next.splice(i + by, 0, rule);
    setRules(next);
  };
  const error = preview.error ?? publish.error;
  const queueName = (id: string) => queues.find((q) => q.id === id)?.name ?? id;
  const previewQueues = preview.data
    ? [
        ...new Set(
          preview.data.windows.flatMap((w) => [...Object.keys(w.live), ...Object.keys(w.proposed)]),
        ),
      ].sort()
    : [];

  return (
    <section className="panel" data-testid="routing-editor">
      <h2>
        Routing rules {live && <span className="muted small">· live: version {live.version}</span>}
      </h2>
      <p className="muted small">
        Evaluated in order when a flag is created (and on rescore); the first rule that matches
        chooses the queue, and flags no rule matches wait in General. Lists are comma-separated; a
        language such as <code>fr</code> matches <code>fr-CA</code> too.
      </p>
      {rules.length === 0 && <p className="muted">No rules: every flag waits in General.</p>}
      {rules.map((r, i) => (
        <div className="routing-rule" key={i} data-testid="routing-rule">
          <span className="muted">{i + 1}.</span>
          <label>
            Name
            <input
              value={r.name}
              disabled={!canEdit}
              onChange={(e) => update(i, { name: e.target.value })}
            />
          </label>
          <label>
            Queue
            <select
              value={r.queue}
              disabled={!canEdit}
              onChange={(e) => update(i, { queue: e.target.value })}
            >
              {queues.map((q) => (
                <option key={q.id} value={q.id}>
                  {q.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Languages
            <input
              value={r.languages}
              disabled={!canEdit}
              placeholder="any"
              onChange={(e) => update(i, { languages: e.target.value })}
            />
          </label>
          <label>
            Categories
            <input
              value={r.categories}
              disabled={!canEdit}
              placeholder="any"
              list="routing-categories"
              onChange={(e) => update(i, { categories: e.target.value })}
            />
          </label>
          <label>
            Sources
            <input
              value={r.sources}
              disabled={!canEdit}
              placeholder="any"
              onChange={(e) => update(i, { sources: e.target.value })}
            />
          </label>
          <label>
            Score ≥
            <input
              value={r.minScore}
              disabled={!canEdit}
              inputMode="decimal"
              placeholder="any"
              onChange={(e) => update(i, { minScore: e.target.value })}
            />
          </label>
          <label>
            Strikes ≥
            <input
              value={r.minStrikes}
              disabled={!canEdit}
              inputMode="numeric"
              placeholder="any"
              onChange={(e) => update(i, { minStrikes: e.target.value })}
            />
          </label>
          <label>
            Decided
            <select
              value={r.automatic}
              disabled={!canEdit}
              onChange={(e) => update(i, { automatic: e.target.value as RuleForm['automatic'] })}
            >
              <option value="">either way</option>
              <option value="yes">automatically</option>
              <option value="no">needs review</option>
            </select>
          </label>
          {canEdit && (
            <span className="rule-controls">
              <button
                type="button"
                className="link-button"
                aria-label={`Move rule ${i + 1} up`}
                disabled={i === 0}
                onClick={() => move(i, -1)}
              >
                ↑
              </button>
              <button
                type="button"
                className="link-button"
                aria-label={`Move rule ${i + 1} down`}
                disabled={i === rules.length - 1}
                onClick={() => move(i, 1)}
              >
                ↓
              </button>
              <button
                type="button"
                className="link-button"
                aria-label={`Remove rule ${i + 1}`}
                onClick={() => setRules(rules.filter((_, j) => j !== i))}
              >
                ✕
              </button>
            </span>
          )}
        </div>
      ))}
      <datalist id="routing-categories">
        {system.data?.categories.map((c) => (
          <option key={c.name} value={c.name} label={c.label} />
        ))}
      </datalist>
      {canEdit && (
        <button type="button" onClick={() => setRules([...rules, { ...EMPTY_RULE }])}>
          Add a rule
        </button>
      )}

      <h3>Gradual automation</h3>
      <p className="muted small">
        For a category given a share, that share of its automatic blocks goes to Automation QA for a
        person to confirm, and the rest are closed without review. Categories left empty keep every
        automatic block in the queues.
      </p>
      <div className="queue-form">
        {system.data?.categories.map((c) => (
          <label key={c.name}>
            {c.label} %
            <input
              size={5}
              inputMode="decimal"
              value={shares[c.name] ?? ''}
              disabled={!canEdit}
              placeholder="—"
              onChange={(e) => setShares({ ...shares, [c.name]: e.target.value })}
            />
          </label>
        ))}
      </div>

      {canEdit && (
        <div className="lead-actions">
          <button
            type="button"
            onClick={() => preview.mutate(draft())}
            disabled={preview.isPending}
          >
            {preview.isPending ? 'Routing past flags…' : 'Preview on past flags'}
          </button>
          <label>
            Change note
            <input
              value={note}
              size={40}
              onChange={(e) => setNote(e.target.value)}
              placeholder="Why this change"
            />
          </label>
          <button
            type="button"
            className="primary"
            disabled={note.trim().length < 3 || publish.isPending}
            onClick={() =>
              publish.mutate(
                { ...draft(), changeNote: note.trim() },
                { onSuccess: () => setNote('') },
              )
            }
          >
            Publish rules
          </button>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
      {publish.isSuccess && <p role="status">Published version {publish.data.version}.</p>}
      {preview.data && (
        <table className="queue" data-testid="routing-preview">
          <caption>Flags each queue would have received (live rules → proposed)</caption>
          <thead>
            <tr>
              <th>Queue</th>
              {preview.data.windows.map((w) => (
                <th key={w.window}>
                  Last {w.window} ({w.flags} flags)
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {previewQueues.map((q) => (
              <tr key={q}>
                <td>{queueName(q)}</td>
                {preview.data.windows.map((w) => (
                  <td key={w.window}>
                    {w.live[q] ?? 0} → <strong>{w.proposed[q] ?? 0}</strong>
                  </td>
                ))}
              </tr>
            ))}
            <tr>
              <td>Closed by automation</td>
              {preview.data.windows.map((w) => (
                <td key={w.window}>{w.closedByAutomation}</td>
              ))}
            </tr>
          </tbody>
        </table>
      )}
    </section>
  );
}
