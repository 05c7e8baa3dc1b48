import type { JudgeEvaluationDto, PolicyVersionDto } from '@sieve/contracts';
import {
  CUSTOM_SEVERITIES,
  type CustomCategory,
  type CustomSeverity,
  customTarget,
} from '@sieve/moderation';
import { type InputHTMLAttributes, useState } from 'react';
import { percent } from '../../components/format';
import { useSystemInfo } from '../../hooks/use-system';
import {
  useEvaluate,
  useEvaluations,
  useJudgingStatus,
  usePolicyActions,
} from '../../hooks/use-policies';

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
const commas = (text: string) =>
  text
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);

const EMPTY: CustomCategory = {
  name: '',
  label: '',
  definition: '',
  violatingExamples: [],
  allowedExamples: [],
  severity: 'medium',
  enabled: true,
  mode: 'active',
  reviewThreshold: 0.7,
  prefilter: {},
};

/**
 * The platform's own rules, in plain language, judged by a chat model for the events that pass
 * their pre-filter. In a draft a policy admin adds and edits them, evaluates each against
 * reviewer decisions and its examples, and publishes once every new or changed rule has an
 * evaluation; otherwise they are shown read-only.
 */
export function CustomCategories({
  version,
  live,
  editable,
}: {
  version: PolicyVersionDto;
  live: PolicyVersionDto | undefined;
  editable: boolean;
}) {
  const actions = usePolicyActions();
  const judging = useJudgingStatus();
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const categories = version.customCategories;
  const liveVersions = new Set((live?.customCategories ?? []).map((c) => customTarget(c).version));

  const save = (next: CustomCategory[], grayZone = version.grayZone) =>
    actions.save.mutateAsync({
      version: version.version,
      input: {
        rules: version.rules,
        overrides: version.overrides,
        customCategories: next,
        grayZone,
      },
    });

  return (
    <section className="panel custom-categories" data-testid="custom-categories">
      <div className="custom-head">
        <h2>Custom categories</h2>
        {judging.data && (
          <span className="muted small" data-testid="judge-label">
            Judge:{' '}
            {judging.data.judge.kind === 'offline'
              ? 'offline similarity judge (no language model: set MISTRAL_API_KEY for Mistral)'
              : `Mistral ${judging.data.judge.model}`}{' '}
            · today ${judging.data.spentUsd.toFixed(4)} of ${judging.data.budgetUsd}
          </span>
        )}
      </div>
      <p className="muted small">
        Your own rules in plain language. Every event is scored by the moderation endpoint as
        before; only events that pass a rule&apos;s pre-filter are sent to the judge, which answers
        whether the post breaks the rule, how sure it is, and the words that show it. A new or
        changed rule is evaluated against reviewer decisions before it can be published.
      </p>
      {categories.length === 0 && editing !== 'new' && (
        <p className="muted">No custom categories in this version.</p>
      )}
      {categories.map((c, i) =>
        editing === i ? (
          <CustomCategoryForm
            key={c.name}
            initial={c}
            taken={categories.filter((_, j) => j !== i).map((o) => o.name)}
            busy={actions.save.isPending}
            onCancel={() => setEditing(null)}
            onSave={(edited) =>
              save(categories.map((o, j) => (j === i ? edited : o))).then(() => setEditing(null))
            }
          />
        ) : (
          <CustomCategoryCard
            key={c.name}
            category={c}
            policyVersion={version.version}
            editable={editable}
            live={liveVersions.has(customTarget(c).version)}
            batchApi={judging.data?.judge.kind === 'mistral'}
            onEdit={() => setEditing(i)}
            onRemove={() => void save(categories.filter((_, j) => j !== i))}
          />
        ),
      )}
      {editing === 'new' && (
        <CustomCategoryForm
          initial={EMPTY}
          taken={categories.map((c) => c.name)}
          busy={actions.save.isPending}
          onCancel={() => setEditing(null)}
          onSave={(created) => save([...categories, created]).then(() => setEditing(null))}
        />
      )}
      {editable && editing === null && (
        <button onClick={() => setEditing('new')}>Add a custom category</button>
      )}
      <GrayZone
        value={version.grayZone}
        editable={editable}
        busy={actions.save.isPending}
        onSave={(grayZone) => save(categories, grayZone)}
      />
      {actions.save.error && (
        <p className="error" role="alert">
          {actions.save.error.message}
        </p>
      )}
    </section>
  );
}

function CustomCategoryCard({
  category: c,
  policyVersion,
  editable,
  live,
  batchApi,
  onEdit,
  onRemove,
}: {
  category: CustomCategory;
  policyVersion: number;
  editable: boolean;
  /** The judge can run evaluations as Batch API jobs (Mistral's, not the offline one). */
  batchApi: boolean;
  /** This exact rule is live already (no evaluation needed to publish it). */
  live: boolean;
  onEdit: () => void;
  onRemove: () => void;
}) {
  const evaluations = useEvaluations(c.name);
  const evaluate = useEvaluate();
  const ruleVersion = customTarget(c).version;
  const latest = evaluations.data?.find((e) => e.targetVersion === ruleVersion);
  const running = latest?.status === 'running';
  const p = c.prefilter;
  return (
    <article className="custom-card" data-testid={`custom-${c.name}`}>
      <header>
        <h3>
          {c.label} <code className="small">{c.name}</code>
        </h3>
        <span className={`chip severity-${c.severity}`}>{c.severity}</span>
        {c.mode === 'shadow' && <span className="chip">shadow: recorded, not acted on</span>}
        {!c.enabled && <span className="chip">disabled</span>}
      </header>
      <p className="definition">{c.definition}</p>
      <dl className="custom-facts">
        <dt>Review at</dt>
        <dd>
          {percent(c.reviewThreshold)} judge confidence
          {c.autoActionThreshold !== undefined &&
            ` · blocked without review at ${percent(c.autoActionThreshold)}`}
        </dd>
        <dt>Judged when</dt>
        <dd>
          {[
            p.keywords?.length ? `words: ${p.keywords.join(', ')}` : null,
            p.patterns?.length ? `patterns: ${p.patterns.join('  ')}` : null,
            p.scoreAbove?.length
              ? p.scoreAbove.map((s) => `${s.category} ≥ ${s.score}`).join(', ')
              : null,
          ]
            .filter(Boolean)
            .join(' · ') || 'every event'}
          {p.sources?.length ? ` (sources: ${p.sources.join(', ')})` : ''}
        </dd>
        <dt>Examples</dt>
        <dd>
          {c.violatingExamples.length} that break it, {c.allowedExamples.length} that do not
        </dd>
      </dl>
      <div className="custom-evaluation" data-testid="evaluation-status">
        {latest ? (
          <EvaluationSummary evaluation={latest} />
        ) : live ? (
          <span className="muted small">Live as it is.</span>
        ) : (
          <span className="review-text small">
            Not evaluated yet: publishing needs an evaluation of this rule.
          </span>
        )}
      </div>
      {editable && (
        <div className="draft-actions">
          <button
            className="primary"
            disabled={evaluate.isPending || running}
            onClick={() => evaluate.mutate({ version: policyVersion, name: c.name })}
          >
            {evaluate.isPending ? 'Evaluating…' : 'Evaluate'}
          </button>
          {batchApi && (
            <button
              disabled={evaluate.isPending || running}
              title="One Batch API job: cheaper, and it may take a while"
              onClick={() =>
                evaluate.mutate({ version: policyVersion, name: c.name, viaBatchApi: true })
              }
            >
              Evaluate through the Batch API
            </button>
          )}
          <button onClick={onEdit}>Edit</button>
          <button className="link-button" onClick={onRemove}>
            Remove
          </button>
        </div>
      )}
      {evaluate.error && (
        <p className="error" role="alert">
          {evaluate.error.message}
        </p>
      )}
    </article>
  );
}

function EvaluationSummary({ evaluation: e }: { evaluation: JudgeEvaluationDto }) {
  const [open, setOpen] = useState(false);
  if (e.status === 'running')
    return (
      <p className="muted small" data-testid="evaluation-summary">
        Evaluating {e.viaBatchApi ? 'in a Batch API job' : ''} since{' '}
        {new Date(e.createdAt).toLocaleTimeString()}…
      </p>
    );
  if (e.status === 'failed')
    return (
      <p className="error small" data-testid="evaluation-summary">
        The evaluation could not finish: {e.error}. Evaluate again.
      </p>
    );
  const decisions = e.results.filter((r) => r.from === 'reviewer_decision').length;
  const fmt = (n: number | null) => (n === null ? 'n/a' : percent(n));
  return (
    <div>
      <p className="small" data-testid="evaluation-summary">
        <strong>Precision {fmt(e.precision)}</strong> · <strong>recall {fmt(e.recall)}</strong> on{' '}
        {e.items} items ({decisions} reviewer decisions, {e.items - decisions} examples) ·{' '}
        {e.offline ? 'offline similarity judge' : e.judge} · ${e.costUsd.toFixed(4)} ·{' '}
        {new Date(e.createdAt).toLocaleString()}{' '}
        <button className="link-button" onClick={() => setOpen(!open)}>
          {open ? 'Hide items' : 'Show items'}
        </button>
      </p>
      {decisions === 0 && (
        <p className="muted small">
          Only the rule&apos;s own examples so far (they are in the judge&apos;s prompt): once
          reviewers decide its flags, their decisions measure it.
        </p>
      )}
      {open && (
        <table className="rules-table evaluation-items">
          <thead>
            <tr>
              <th>From</th>
              <th>Post</th>
              <th>Expected</th>
              <th>Judge (likelihood of a violation)</th>
              <th>Evidence</th>
            </tr>
          </thead>
          <tbody>
            {e.results.map((r, i) => (
              <tr key={i} className={r.expected === r.predicted ? '' : 'mismatch'}>
                <td className="small">{r.from.replace('_', ' ')}</td>
                <td className="small">{r.text}</td>
                <td>{r.expected ? 'breaks it' : 'fine'}</td>
                <td>
                  {r.error
                    ? `not judged (${r.error})`
                    : `${r.predicted ? 'breaks it' : 'fine'} (${fmt(r.score)})`}
                </td>
                <td className="small">{r.evidence.map((q) => `“${q}”`).join(' ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function CustomCategoryForm({
  initial,
  taken,
  busy,
  onSave,
  onCancel,
}: {
  initial: CustomCategory;
  taken: string[];
  busy: boolean;
  onSave: (category: CustomCategory) => Promise<unknown>;
  onCancel: () => void;
}) {
  const [label, setLabel] = useState(initial.label);
  const [name, setName] = useState(initial.name);
  const [definition, setDefinition] = useState(initial.definition);
  const [violating, setViolating] = useState(initial.violatingExamples.join('\n'));
  const [allowed, setAllowed] = useState(initial.allowedExamples.join('\n'));
  const [severity, setSeverity] = useState<CustomSeverity>(initial.severity);
  const [mode, setMode] = useState(initial.mode);
  const [enabled, setEnabled] = useState(initial.enabled);
  const [review, setReview] = useState(String(initial.reviewThreshold));
  const [auto, setAuto] = useState(
    initial.autoActionThreshold === undefined ? '' : String(initial.autoActionThreshold),
  );
  const [keywords, setKeywords] = useState((initial.prefilter.keywords ?? []).join(', '));
  const [patterns, setPatterns] = useState((initial.prefilter.patterns ?? []).join('\n'));
  const [sources, setSources] = useState((initial.prefilter.sources ?? []).join(', '));
  const [firstScore, ...otherScores] = initial.prefilter.scoreAbove ?? [];
  const [scoreCategory, setScoreCategory] = useState(firstScore?.category ?? '');
  const [scoreLevel, setScoreLevel] = useState(String(firstScore?.score ?? 0.3));
  const builtIn = (useSystemInfo().data?.categories ?? []).filter((c) => !c.custom);
  const key =
    name ||
    label
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .replace(/^[^a-z]+/, '')
      .slice(0, 40);
  const clash = taken.includes(key);

  const submit = () => {
    const category: CustomCategory = {
      name: key,
      label: label.trim(),
      definition: definition.trim(),
      violatingExamples: lines(violating),
      allowedExamples: lines(allowed),
      severity,
      enabled,
      mode,
      reviewThreshold: Number(review),
      ...(auto.trim() ? { autoActionThreshold: Number(auto) } : {}),
      prefilter: {
        ...(commas(keywords).length ? { keywords: commas(keywords) } : {}),
        ...(lines(patterns).length ? { patterns: lines(patterns) } : {}),
        ...(scoreCategory || otherScores.length
          ? {
              scoreAbove: [
                ...(scoreCategory ? [{ category: scoreCategory, score: Number(scoreLevel) }] : []),
                ...otherScores,
              ],
            }
          : {}),
        ...(commas(sources).length ? { sources: commas(sources) } : {}),
      },
    };
    void onSave(category);
  };

  return (
    <form
      className="custom-form"
      aria-label="Custom category"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label>
        Name shown to reviewers
        <input value={label} onChange={(e) => setLabel(e.target.value)} required maxLength={80} />
      </label>
      <label>
        Key <span className="muted small">(in flags, filters, the API)</span>
        <input
          value={key}
          onChange={(e) => setName(e.target.value)}
          disabled={initial.name !== ''}
          pattern="[a-z][a-z0-9_]{1,39}"
        />
        {clash && <span className="error small">already used</span>}
      </label>
      <label className="wide">
        The rule, in plain language
        <textarea
          value={definition}
          onChange={(e) => setDefinition(e.target.value)}
          rows={3}
          required
          minLength={10}
          maxLength={2000}
        />
      </label>
      <label>
        Posts that break it <span className="muted small">(one per line)</span>
        <textarea value={violating} onChange={(e) => setViolating(e.target.value)} rows={4} />
      </label>
      <label>
        Posts that do not <span className="muted small">(one per line)</span>
        <textarea value={allowed} onChange={(e) => setAllowed(e.target.value)} rows={4} />
      </label>
      <label>
        Judge only posts with these words{' '}
        <span className="muted small">(comma-separated; ticket* matches any ending)</span>
        <input value={keywords} onChange={(e) => setKeywords(e.target.value)} />
      </label>
      <label>
        …or matching these patterns <span className="muted small">(regular expressions)</span>
        <textarea value={patterns} onChange={(e) => setPatterns(e.target.value)} rows={2} />
      </label>
      <div className="custom-form-row">
        <label>
          …or when the moderation score of
          <select value={scoreCategory} onChange={(e) => setScoreCategory(e.target.value)}>
            <option value="">(no category)</option>
            {builtIn.map((c) => (
              <option key={c.name} value={c.name}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          is at least
          <ShareInput value={scoreLevel} disabled={!scoreCategory} onValue={setScoreLevel} />
        </label>
      </div>
      <label>
        Only from sources <span className="muted small">(comma-separated; empty: all)</span>
        <input value={sources} onChange={(e) => setSources(e.target.value)} />
      </label>
      <div className="custom-form-row">
        <label>
          Severity
          <select value={severity} onChange={(e) => setSeverity(e.target.value as CustomSeverity)}>
            {CUSTOM_SEVERITIES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Review at confidence
          <ShareInput value={review} onValue={setReview} />
        </label>
        <label>
          Block without review at
          <ShareInput value={auto} placeholder="never" onValue={setAuto} />
        </label>
        <label>
          Mode
          <select value={mode} onChange={(e) => setMode(e.target.value as CustomCategory['mode'])}>
            <option value="active">active: flags and blocks</option>
            <option value="shadow">shadow: recorded only</option>
          </select>
        </label>
        <label className="inline">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />{' '}
          enabled
        </label>
      </div>
      <div className="draft-actions">
        <button className="primary" type="submit" disabled={busy || clash || !key}>
          Save to draft
        </button>
        <button type="button" className="link-button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The judge's second opinion on built-in scores just under their review threshold. */
function GrayZone({
  value,
  editable,
  busy,
  onSave,
}: {
  value: number;
  editable: boolean;
  busy: boolean;
  onSave: (grayZone: number) => Promise<unknown>;
}) {
  const [draft, setDraft] = useState(String(value));
  if (!editable)
    return (
      <p className="muted small" data-testid="gray-zone">
        {value > 0
          ? `Built-in scores up to ${value.toFixed(2)} below their review threshold get the judge's second opinion.`
          : 'No gray zone: built-in categories are decided by their thresholds alone.'}
      </p>
    );
  return (
    <form
      className="gray-zone"
      data-testid="gray-zone"
      onSubmit={(e) => {
        e.preventDefault();
        void onSave(Number(draft));
      }}
    >
      <label>
        Gray zone: ask the judge about built-in scores up to{' '}
        <input
          type="number"
          min={0}
          max={0.5}
          step={0.01}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          aria-label="Gray zone width"
        />{' '}
        below their review threshold (0: off; a violation sends the post to review, never blocks)
      </label>{' '}
      <button type="submit" disabled={busy || Number(draft) === value}>
        Save
      </button>
    </form>
  );
}

/** A share from 0 to 1 (or `max`) in steps of 0.01, kept as typed until saved. */
function ShareInput({
  onValue,
  max = 1,
  ...rest
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'min' | 'step' | 'onChange'> & {
  onValue: (value: string) => void;
  max?: number;
}) {
  return (
    <input
      type="number"
      min={0}
      max={max}
      step={0.01}
      onChange={(e) => onValue(e.target.value)}
      {...rest}
    />
  );
}
