import type { BacktestSamplesDto, PolicyVersionDto } from '@sieve/contracts';
import type { CategoryRule, Policy } from '@sieve/moderation';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { hasRole } from '../../api/auth';
import { getBacktestSamples } from '../../api/policies';
import { timeAgo } from '../../components/format';
import { useNow } from '../../hooks/use-now';
import {
  useBacktestData,
  usePolicies,
  usePolicyActions,
  useShadowReport,
} from '../../hooks/use-policies';
import { useSession } from '../../hooks/use-session';
import { useCategoryLabel } from '../../hooks/use-system';
import { SweepChart } from './sweep-chart';
import { change, percent, whatIf } from './what-if';

const RANGES = { '24h': 1, '7d': 7, '30d': 30 } as const;
type Range = keyof typeof RANGES;

const toPolicy = (v: PolicyVersionDto, rules = v.rules): Policy => ({
  version: v.version,
  categorySetId: v.categorySetId,
  rules,
  overrides: v.overrides,
});

export function PoliciesPage() {
  const session = useSession();
  const canEdit = hasRole(session.data?.user.role ?? 'viewer', 'policy_admin');
  const versions = usePolicies();
  const now = useNow(60_000);
  const [range, setRange] = useState<Range>('7d');
  // Whole minutes, so the backtest query is reused while the page is open.
  const to = new Date(Math.ceil(now / 60_000) * 60_000).toISOString();
  const from = new Date(Date.parse(to) - RANGES[range] * 86_400_000).toISOString();
  const backtest = useBacktestData(from, to, canEdit);

  if (versions.isPending) return <p className="muted">Loading…</p>;
  if (versions.isError)
    return (
      <p className="error" role="alert">
        {versions.error.message}
      </p>
    );
  const live = versions.data.find((v) => v.live);
  const draft = versions.data.find((v) => v.status === 'draft');

  return (
    <section className="policies" data-testid="policies">
      <header className="page-header">
        <h1>Policies</h1>
        {live && (
          <span className="muted">
            Live: version {live.version}
            {live.publishedAt && `, published ${timeAgo(live.publishedAt, now)}`}
          </span>
        )}
      </header>
      <div className="policies-layout">
        <div>
          {!canEdit && (
            <p className="muted">Only policy admins edit thresholds. The live rules are below.</p>
          )}
          {canEdit && live && !draft && <StartDraft live={live} />}
          {canEdit && live && draft && (
            <DraftEditor
              key={draft.version}
              live={live}
              draft={draft}
              range={range}
              onRange={setRange}
              from={from}
              to={to}
              backtest={backtest}
            />
          )}
          {!canEdit && live && <RulesTable version={live} />}
        </div>
        <VersionHistory versions={versions.data} canEdit={canEdit} hasDraft={!!draft} now={now} />
      </div>
    </section>
  );
}

function StartDraft({ live }: { live: PolicyVersionDto }) {
  const { create } = usePolicyActions();
  return (
    <div className="draft-start">
      <p>
        Thresholds change through a draft: edit it, see what it would have done on past traffic,
        then publish it with a note. Published versions never change.
      </p>
      <button
        className="primary"
        onClick={() => create.mutate(undefined)}
        disabled={create.isPending}
      >
        Start a draft from version {live.version}
      </button>
      {create.isError && <p className="error">{create.error.message}</p>}
    </div>
  );
}

function RulesTable({ version }: { version: PolicyVersionDto }) {
  const label = useCategoryLabel();
  return (
    <table className="rules-table">
      <thead>
        <tr>
          <th>Category</th>
          <th>Review at</th>
          <th>Block at</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(version.rules).map(([category, rule]) => (
          <tr key={category}>
            <td>{label(category)}</td>
            <td className="num">{rule.enabled ? rule.reviewThreshold.toFixed(2) : 'off'}</td>
            <td className="num">
              {rule.enabled && rule.autoActionThreshold !== undefined
                ? rule.autoActionThreshold.toFixed(2)
                : '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface DraftEditorProps {
  live: PolicyVersionDto;
  draft: PolicyVersionDto;
  range: Range;
  onRange: (range: Range) => void;
  from: string;
  to: string;
  backtest: ReturnType<typeof useBacktestData>;
}

function DraftEditor({ live, draft, range, onRange, from, to, backtest }: DraftEditorProps) {
  const label = useCategoryLabel();
  const actions = usePolicyActions();
  const [rules, setRules] = useState<Record<string, CategoryRule>>(draft.rules);
  const [saved, setSaved] = useState(JSON.stringify(draft.rules));
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState('');
  const [samples, setSamples] = useState<BacktestSamplesDto | null>(null);
  const [samplesError, setSamplesError] = useState<string | null>(null);
  const dirty = JSON.stringify(rules) !== saved;

  const figures = useMemo(
    () => (backtest.data ? whatIf(backtest.data, toPolicy(live), toPolicy(draft, rules)) : null),
    [backtest.data, live, draft, rules],
  );
  const total = (pick: 'flagged' | 'auto', which: 'live' | 'draft') =>
    figures?.reduce((n, f) => n + f[which][pick], 0) ?? 0;

  const update = (category: string, patch: Partial<CategoryRule>) => {
    setRules((current) => {
      const next = { ...current[category], ...patch };
      if ('autoActionThreshold' in patch && patch.autoActionThreshold === undefined)
        delete next.autoActionThreshold;
      return { ...current, [category]: next };
    });
    setSamples(null);
  };
  const save = () =>
    actions.save
      .mutateAsync({ version: draft.version, input: { rules, overrides: draft.overrides } })
      .then(() => setSaved(JSON.stringify(rules)));
  const showSamples = () => {
    setSamplesError(null);
    getBacktestSamples({ rules, overrides: draft.overrides, from, to }).then(
      setSamples,
      (e: Error) => setSamplesError(e.message),
    );
  };
  const publish = async () => {
    if (dirty) await save();
    await actions.publish.mutateAsync({ version: draft.version, note });
  };
  const error = actions.save.error ?? actions.publish.error ?? actions.discard.error;

  return (
    <div className="draft" data-testid="draft-editor">
      <div className="draft-bar">
        <h2>
          Draft version {draft.version}{' '}
          <span className="muted small">from version {draft.basedOn}</span>
        </h2>
        <label>
          Backtest over{' '}
          <select
            value={range}
            onChange={(e) => onRange(e.target.value as Range)}
            aria-label="Backtest range"
          >
            <option value="24h">the last 24 hours</option>
            <option value="7d">the last 7 days</option>
            <option value="30d">the last 30 days</option>
          </select>
        </label>
        {backtest.data && (
          <span className="muted small" data-testid="backtest-summary">
            {backtest.data.events.toLocaleString()} stored events ·{' '}
            {Object.values(backtest.data.labelled)[0]?.length ?? 0} reviewed
            {backtest.data.histogramsThrough &&
              ` · scores counted up to ${new Date(backtest.data.histogramsThrough).toLocaleTimeString()}`}
          </span>
        )}
      </div>
      {backtest.isError && <p className="error">Backtest unavailable: {backtest.error.message}</p>}
      {figures && (
        <p className="draft-totals" data-testid="draft-totals">
          Category flags: <strong>{total('flagged', 'live').toLocaleString()}</strong> live →{' '}
          <strong>{total('flagged', 'draft').toLocaleString()}</strong> draft (
          {change(total('flagged', 'live'), total('flagged', 'draft'))}) · auto-actioned{' '}
          {total('auto', 'live').toLocaleString()} → {total('auto', 'draft').toLocaleString()}
        </p>
      )}
      <table className="rules-table editing">
        <thead>
          <tr>
            <th>Category</th>
            <th>Review at</th>
            <th>Block at</th>
            <th title="Events in the range at or over the review threshold">Flagged</th>
            <th title="Among items reviewers decided: share of flags they removed or escalated, and share of those the threshold catches">
              Precision · recall
            </th>
            <th>Sweep</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(rules).map(([category, rule]) => {
            const f = figures?.find((x) => x.category === category);
            const liveRule = live.rules[category];
            return (
              <tr
                key={category}
                className={rule.enabled ? '' : 'disabled-rule'}
                data-testid={`rule-${category}`}
              >
                <td>
                  <label className="toggle">
                    <input
                      type="checkbox"
                      checked={rule.enabled}
                      onChange={(e) => update(category, { enabled: e.target.checked })}
                    />{' '}
                    {label(category)}
                  </label>
                </td>
                <td>
                  <ThresholdInput
                    label={`${label(category)} review threshold`}
                    value={rule.reviewThreshold}
                    disabled={!rule.enabled}
                    onChange={(v) => update(category, { reviewThreshold: v })}
                  />
                </td>
                <td>
                  <label className="toggle small">
                    <input
                      type="checkbox"
                      checked={rule.autoActionThreshold !== undefined}
                      disabled={!rule.enabled}
                      aria-label={`${label(category)} blocks automatically`}
                      onChange={(e) =>
                        update(category, {
                          autoActionThreshold: e.target.checked
                            ? Math.max(rule.reviewThreshold, 0.9)
                            : undefined,
                        })
                      }
                    />
                  </label>
                  {rule.autoActionThreshold !== undefined && (
                    <ThresholdInput
                      label={`${label(category)} auto-action threshold`}
                      value={rule.autoActionThreshold}
                      disabled={!rule.enabled}
                      onChange={(v) => update(category, { autoActionThreshold: v })}
                    />
                  )}
                </td>
                <td className="num" data-testid={`flagged-${category}`}>
                  {f ? (
                    <>
                      {f.live.flagged.toLocaleString()} →{' '}
                      <strong>{f.draft.flagged.toLocaleString()}</strong>
                      <span className="muted small">
                        {' '}
                        {change(f.live.flagged, f.draft.flagged)}
                      </span>
                    </>
                  ) : (
                    '…'
                  )}
                </td>
                <td className="num">
                  {f &&
                    `${percent(f.live.quality?.precision ?? null)} · ${percent(f.live.quality?.recall ?? null)} → ${percent(f.draft.quality?.precision ?? null)} · ${percent(f.draft.quality?.recall ?? null)}`}
                </td>
                <td>
                  {f && (
                    <SweepChart
                      curve={f.curve}
                      live={liveRule?.enabled ? liveRule.reviewThreshold : null}
                      draft={rule.enabled ? rule.reviewThreshold : null}
                      label={`${label(category)}: flag volume, precision and recall by threshold`}
                    />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {Object.keys(draft.overrides).length > 0 && (
        <p className="muted small">
          Per-source overrides in this draft: {Object.keys(draft.overrides).join(', ')} (edited
          through the api).
        </p>
      )}
      <p className="muted small">
        Sweep: bars are flag volume, the solid line precision and the dashed line recall as the
        review threshold moves from 0 to 1; grey marks the live threshold, dark the draft. Precision
        and recall count only items reviewers decided.
      </p>
      <div className="draft-actions">
        <button onClick={() => void save()} disabled={!dirty || actions.save.isPending}>
          {dirty ? 'Save draft' : 'Saved'}
        </button>
        <button onClick={showSamples}>Show items that would change</button>
        <button className="primary" onClick={() => setConfirming(true)}>
          Publish…
        </button>
        <button
          className="link-button"
          onClick={() => actions.discard.mutate(draft.version)}
          disabled={actions.discard.isPending}
        >
          Discard draft
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
      {confirming && (
        <div className="confirm" role="dialog" aria-label="Publish the draft">
          <p data-testid="publish-impact">
            Publishing makes version {draft.version} live for every api process within seconds.
            {figures && (
              <>
                {' '}
                Over {range === '24h' ? 'the last 24 hours' : `the last ${RANGES[range]} days`} it
                would have raised <strong>{total('flagged', 'draft').toLocaleString()}</strong>{' '}
                category flags instead of {total('flagged', 'live').toLocaleString()} (
                {change(total('flagged', 'live'), total('flagged', 'draft'))}) and auto-actioned{' '}
                {total('auto', 'draft').toLocaleString()} instead of{' '}
                {total('auto', 'live').toLocaleString()}.
              </>
            )}
          </p>
          <label className="confirm-note">
            Change note (required)
            <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} />
          </label>
          <button
            className="primary"
            disabled={note.trim().length < 3 || actions.publish.isPending}
            onClick={() => void publish().then(() => setConfirming(false))}
          >
            Publish version {draft.version}
          </button>
          <button className="link-button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
      <ShadowPanel draft={draft} dirty={dirty} />
      {samplesError && <p className="error">{samplesError}</p>}
      {samples && <Samples samples={samples} />}
    </div>
  );
}

const DECISIONS = ['allow', 'review', 'block'] as const;

/** Run the draft on live traffic without acting, and compare as it accumulates. */
function ShadowPanel({ draft, dirty }: { draft: PolicyVersionDto; dirty: boolean }) {
  const { shadow } = usePolicyActions();
  const running = draft.shadowSince !== null;
  const report = useShadowReport(draft.version, running);
  const now = useNow(5_000);
  const cell = (live: string, decided: string) =>
    report.data?.matrix.find((m) => m.live === live && m.shadow === decided)?.events ?? 0;
  return (
    <div className="shadow-panel" data-testid="shadow-panel">
      <h3>Shadow run</h3>
      {!running && (
        <p className="muted small">
          Evaluate the saved draft on live traffic next to version {draft.basedOn}: nothing is
          flagged or decided by it, and you see where the two differ as events arrive.
        </p>
      )}
      {running && report.data && (
        <>
          <p className="small">
            Running since {timeAgo(report.data.since ?? draft.shadowSince ?? '', now)}:{' '}
            <strong>{report.data.events.toLocaleString()}</strong> events evaluated
            {dirty && ' (unsaved edits are not in it; saving restarts the run)'}.
          </p>
          <table className="rules-table shadow-matrix">
            <thead>
              <tr>
                <th>live ↓ · shadow →</th>
                {DECISIONS.map((d) => (
                  <th key={d}>{d}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {DECISIONS.map((live) => (
                <tr key={live}>
                  <th>{live}</th>
                  {DECISIONS.map((decided) => (
                    <td
                      key={decided}
                      className={`num ${live !== decided && cell(live, decided) > 0 ? 'differs' : ''}`}
                    >
                      {cell(live, decided).toLocaleString()}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {report.data.examples.length > 0 && (
            <ChangedItems
              testId="shadow-examples"
              items={report.data.examples.map((e) => ({
                ...e,
                change: `live ${e.liveDecision} → shadow ${e.shadowDecision}`,
              }))}
            />
          )}
        </>
      )}
      <button
        onClick={() => shadow.mutate({ version: draft.version, enabled: !running })}
        disabled={shadow.isPending || (!running && dirty)}
        title={!running && dirty ? 'Save the draft first' : undefined}
      >
        {running ? 'Stop the shadow run' : 'Run in shadow'}
      </button>
      {shadow.isError && <p className="error">{shadow.error.message}</p>}
    </div>
  );
}

function ThresholdInput({
  label,
  value,
  disabled,
  onChange,
}: {
  label: string;
  value: number;
  disabled: boolean;
  onChange: (value: number) => void;
}) {
  const set = (raw: string) => {
    const n = Math.round(Number(raw) * 100) / 100;
    if (Number.isFinite(n) && n >= 0 && n <= 1) onChange(n);
  };
  return (
    <span className="threshold">
      <input
        type="range"
        min={0}
        max={1}
        step={0.01}
        value={value}
        disabled={disabled}
        aria-label={label}
        onChange={(e) => set(e.target.value)}
      />
      <input
        type="number"
        min={0}
        max={1}
        step={0.01}
        value={value}
        disabled={disabled}
        aria-label={`${label} (number)`}
        onChange={(e) => set(e.target.value)}
      />
    </span>
  );
}

interface ChangedItem {
  eventId: string;
  source: string;
  text: string;
  flagId: string | null;
  /** e.g. "review → allow". */
  change: string;
  categories: string[];
}

/** Events two policies decide differently, each linked to its item view when it was flagged. */
function ChangedItems({ items, testId }: { items: ChangedItem[]; testId?: string }) {
  return (
    <ul className="samples" data-testid={testId}>
      {items.map((item) => (
        <li key={`${item.source}/${item.eventId}`}>
          <span className="muted small">
            {item.source} · {item.change}
            {item.categories.length > 0 && ` · ${item.categories.join(', ')}`}
          </span>
          <span className="sample-text">{item.text}</span>
          {item.flagId && <Link to={`/flags/${item.flagId}`}>open</Link>}
        </li>
      ))}
    </ul>
  );
}

function Samples({ samples }: { samples: BacktestSamplesDto }) {
  const list = (title: string, items: BacktestSamplesDto['newlyFlagged'], testId: string) => (
    <div data-testid={testId}>
      <h3>
        {title} ({items.length})
      </h3>
      {items.length === 0 && (
        <p className="muted small">None among the most recent 5,000 events.</p>
      )}
      <ChangedItems
        items={items.map((s) => ({ ...s, change: `${s.liveDecision} → ${s.draftDecision}` }))}
      />
    </div>
  );
  return (
    <div className="sample-lists">
      {list('Would newly flag', samples.newlyFlagged, 'samples-new')}
      {list('Would stop flagging', samples.noLongerFlagged, 'samples-gone')}
    </div>
  );
}

function VersionHistory({
  versions,
  canEdit,
  hasDraft,
  now,
}: {
  versions: PolicyVersionDto[];
  canEdit: boolean;
  hasDraft: boolean;
  now: number;
}) {
  const { rollback } = usePolicyActions();
  const [target, setTarget] = useState<number | null>(null);
  const [note, setNote] = useState('');
  return (
    <aside className="versions" data-testid="policy-versions">
      <h2>History</h2>
      <ol>
        {versions.map((v) => (
          <li key={v.version} className={v.live ? 'live' : ''}>
            <strong>v{v.version}</strong>{' '}
            {v.live ? (
              <span className="badge badge-open">live</span>
            ) : (
              <span className="muted small">{v.status}</span>
            )}
            <div className="small">
              {v.changeNote ?? (v.status === 'draft' ? 'being edited' : '')}
            </div>
            <div className="muted small">
              {v.publishedAt
                ? `${v.publishedBy ?? 'system'}, ${timeAgo(v.publishedAt, now)}`
                : `${v.createdBy ?? 'system'}, ${timeAgo(v.createdAt, now)}`}
              {v.basedOn !== null && ` · from v${v.basedOn}`}
            </div>
            {canEdit && v.status === 'published' && !v.live && (
              <button
                className="link-button small"
                disabled={hasDraft}
                onClick={() => setTarget(v.version)}
              >
                Roll back to v{v.version}
              </button>
            )}
          </li>
        ))}
      </ol>
      {hasDraft && canEdit && (
        <p className="muted small">Publish or discard the draft to roll back.</p>
      )}
      {target !== null && (
        <div className="confirm" role="dialog" aria-label="Roll back">
          <p>Publish a copy of version {target} as the newest version?</p>
          <label className="confirm-note">
            Why (required)
            <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} />
          </label>
          <button
            className="primary"
            disabled={note.trim().length < 3 || rollback.isPending}
            onClick={() =>
              rollback.mutate({ version: target, note }, { onSuccess: () => setTarget(null) })
            }
          >
            Roll back
          </button>
          <button className="link-button" onClick={() => setTarget(null)}>
            Cancel
          </button>
          {rollback.isError && <p className="error">{rollback.error.message}</p>}
        </div>
      )}
    </aside>
  );
}
