import type { BacktestDataDto } from '@sieve/contracts';
import type { CategoryRule, Policy } from '@sieve/moderation';
import { useId, useState } from 'react';
import { useCategoryLabel } from '../../hooks/use-system';
import { RuleSettingCells } from './draft-rules-table';
import { change, sourceWhatIf } from './what-if';

/** The longest source name the api accepts. */
const MAX_SOURCE_LENGTH = 100;

interface OverridesEditorProps {
  live: Policy;
  draft: Policy;
  /** The backtest range's histograms: which sources sent events, and what each rule flags. */
  histograms: BacktestDataDto['histograms'] | undefined;
  onAdd: (source: string, category: string) => void;
  onUpdate: (source: string, category: string, patch: Partial<CategoryRule>) => void;
  onRemove: (source: string, category: string) => void;
}

/**
 * The draft's per-source overrides: rules that replace the draft's own for events from one
 * source, each beside what it would have flagged from that source, live → draft.
 */
export function OverridesEditor({
  live,
  draft,
  histograms,
  onAdd,
  onUpdate,
  onRemove,
}: OverridesEditorProps) {
  const label = useCategoryLabel();
  const rows = Object.entries(draft.overrides ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([source, rules]) =>
      Object.entries(rules).map(([category, rule]) => ({ source, category, rule })),
    );

  return (
    <section className="panel overrides-editor" aria-labelledby="overrides-heading">
      <h2 id="overrides-heading">Per-source overrides</h2>
      <p className="muted small">
        Events from a source listed here are judged by its rule for the category instead of the
        draft&apos;s. Flag counts above include them.
      </p>
      {rows.length > 0 && (
        <div className="rules-table-wrap">
          <table className="rules-table editing" data-testid="overrides-editor">
            <thead>
              <tr>
                <th>Source</th>
                <th>Category</th>
                <th>Review at</th>
                <th>Block at</th>
                <th title="Events from this source in the range at or over the review threshold">
                  Flagged live → draft
                </th>
                <th>
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ source, category, rule }) => {
                const name = `${source}: ${label(category)}`;
                const figure = histograms
                  ? sourceWhatIf(histograms, live, draft, source, category)
                  : null;
                return (
                  <tr
                    key={`${source}\u0000${category}`}
                    className={rule.enabled ? '' : 'disabled-rule'}
                    data-testid={`override-${source}-${category}`}
                  >
                    <td className="override-source">{source}</td>
                    <RuleSettingCells
                      label={label(category)}
                      name={name}
                      rule={rule}
                      update={(patch) => onUpdate(source, category, patch)}
                    />
                    <td className="num">
                      {figure ? (
                        <>
                          {figure.live.flagged.toLocaleString()} →{' '}
                          <strong>{figure.draft.flagged.toLocaleString()}</strong>
                          <span className="muted small">
                            {' '}
                            {change(figure.live.flagged, figure.draft.flagged)}
                          </span>
                        </>
                      ) : (
                        '…'
                      )}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="link-button"
                        aria-label={`Remove the override: ${name}`}
                        onClick={() => onRemove(source, category)}
                      >
                        Remove
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <AddOverride
        categories={Object.keys(draft.rules)}
        overrides={draft.overrides ?? {}}
        seenSources={Object.keys(histograms ?? {}).sort()}
        onAdd={onAdd}
      />
    </section>
  );
}

/** A source (typed, or one the range saw) and a category it has no rule of its own for yet. */
function AddOverride({
  categories,
  overrides,
  seenSources,
  onAdd,
}: {
  categories: string[];
  overrides: NonNullable<Policy['overrides']>;
  seenSources: string[];
  onAdd: (source: string, category: string) => void;
}) {
  const label = useCategoryLabel();
  const listId = useId();
  const [source, setSource] = useState('');
  const [category, setCategory] = useState('');
  const name = source.trim();
  const free = categories.filter((c) => !overrides[name]?.[c]);
  const chosen = free.includes(category) ? category : '';
  const tooLong = name.length > MAX_SOURCE_LENGTH;

  return (
    <form
      className="override-add"
      onSubmit={(e) => {
        e.preventDefault();
        if (!name || tooLong || !chosen) return;
        onAdd(name, chosen);
        setCategory('');
      }}
    >
      <label>
        Source{' '}
        <input
          value={source}
          list={listId}
          maxLength={MAX_SOURCE_LENGTH + 1}
          aria-invalid={tooLong}
          aria-describedby={tooLong ? `${listId}-error` : undefined}
          placeholder="as events name it"
          onChange={(e) => setSource(e.target.value)}
        />
      </label>
      <datalist id={listId}>
        {seenSources.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <label>
        Category{' '}
        <select value={chosen} onChange={(e) => setCategory(e.target.value)}>
          <option value="">Choose…</option>
          {free.map((c) => (
            <option key={c} value={c}>
              {label(c)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={!name || tooLong || !chosen}>
        Add an override
      </button>
      {tooLong && (
        <span className="error small" id={`${listId}-error`}>
          A source name has at most {MAX_SOURCE_LENGTH} characters.
        </span>
      )}
    </form>
  );
}
