import { type RuleChange } from '@sieve/moderation';
import { useState } from 'react';
import { useCategoryLabel, useSystemInfo } from '../../hooks/use-system';
import { describeRange, type Range } from './backtest-range';
import { change } from './what-if';

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

/** Setting by setting, what publishing changes. */
function PolicyDiff({ changes }: { changes: RuleChange[] }) {
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
          <th scope="col">Draft</th>
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
 * Publishing shows the diff, asks for a change note and says what the draft would have done; a
 * change of flag volume beyond the configured share must be confirmed a second time.
 */
export function PublishDialog({
  version,
  range,
  impact,
  changes,
  busy,
  onPublish,
  onCancel,
}: {
  version: number;
  range: Range;
  /** Category flags and auto-actions over the range, live vs draft; null while unknown. */
  impact: { flagged: [number, number]; auto: [number, number] } | null;
  changes: RuleChange[];
  busy: boolean;
  onPublish: (note: string) => void;
  onCancel: () => void;
}) {
  const system = useSystemInfo();
  const [note, setNote] = useState('');
  const [confirmedLarge, setConfirmedLarge] = useState(false);
  const limit = system.data?.policies.confirmChangePercent ?? 50;
  const [before, after] = impact?.flagged ?? [0, 0];
  const large =
    impact !== null &&
    (before === 0 ? after > 0 : (Math.abs(after - before) / before) * 100 > limit);
  return (
    <div className="confirm" role="dialog" aria-label="Publish the draft">
      <PolicyDiff changes={changes} />
      <p data-testid="publish-impact">
        Publishing makes version {version} live for every api process within seconds.
        {impact && (
          <>
            {' '}
            Over {describeRange(range)} it would have raised{' '}
            <strong>{after.toLocaleString()}</strong> category flags instead of{' '}
            {before.toLocaleString()} ({change(before, after)}) and auto-actioned{' '}
            {impact.auto[1].toLocaleString()} instead of {impact.auto[0].toLocaleString()}.
          </>
        )}
      </p>
      {large && (
        <label className="confirm-large" data-testid="confirm-large">
          <input
            type="checkbox"
            checked={confirmedLarge}
            onChange={(e) => setConfirmedLarge(e.target.checked)}
          />{' '}
          I understand this changes flag volume by {change(before, after)} (more than {limit}%):
          reviewers will see that much {after > before ? 'more' : 'less'} work.
        </label>
      )}
      <label className="confirm-note">
        Change note (required)
        <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} />
      </label>
      <button
        className="primary"
        disabled={note.trim().length < 3 || busy || (large && !confirmedLarge)}
        onClick={() => onPublish(note)}
      >
        Publish version {version}
      </button>
      <button className="link-button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
