import { type RuleChange } from '@sieve/moderation';
import { useCategoryLabel } from '../../hooks/use-system';

const FIELD_LABELS: Record<RuleChange['field'], string> = {
  enabled: 'enforced',
  reviewThreshold: 'review at',
  autoActionThreshold: 'block at',
  rule: 'rule (custom)',
  mode: 'mode',
  grayZone: 'judge below threshold by',
  precedent: 'decide by precedent',
};
const shown = (value: RuleChange['before']) =>
  value === null
    ? '—'
    : typeof value === 'boolean'
      ? value
        ? 'yes'
        : 'no'
      : typeof value === 'string'
        ? value
        : value.toFixed(2);

/**
 * Setting by setting, what making a version live changes: `after` names that version's column
 * (the draft being published, or the version being rolled back to).
 */
export function PolicyDiff({ changes, after }: { changes: RuleChange[]; after: string }) {
  const label = useCategoryLabel();
  if (changes.length === 0)
    return <p className="muted small">No setting differs from the live version.</p>;
  return (
    <table className="policy-diff" data-testid="policy-diff">
      <caption>Changes from the live version</caption>
      <thead>
        <tr>
          <th scope="col">Category</th>
          <th scope="col">Setting</th>
          <th scope="col">Live</th>
          <th scope="col">{after}</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => (
          <tr key={`${c.source ?? ''}:${c.category}:${c.field}`}>
            <td>
              {label(c.category)}
              {c.source && <span className="muted small"> (source {c.source})</span>}
            </td>
            <td>{FIELD_LABELS[c.field]}</td>
            <td className="num">{shown(c.before)}</td>
            <td className="num">
              <strong>{shown(c.after)}</strong>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * What a version changed from the one before it, one line per setting, for the history's narrow
 * column: "Personal data: review at 0.50 → 1.00".
 */
export function VersionChanges({ changes, from }: { changes: RuleChange[]; from: string }) {
  const label = useCategoryLabel();
  if (changes.length === 0) return <div className="muted small">Same settings as {from}.</div>;
  return (
    <details className="version-changes">
      <summary className="small">
        {changes.length === 1 ? '1 change' : `${changes.length} changes`} from {from}
      </summary>
      <ul className="small">
        {changes.map((c) => (
          <li key={`${c.source ?? ''}:${c.category}:${c.field}`}>
            {label(c.category)}
            {c.source && ` (source ${c.source})`}: {FIELD_LABELS[c.field]} {shown(c.before)} →{' '}
            <strong>{shown(c.after)}</strong>
          </li>
        ))}
      </ul>
    </details>
  );
}
