import { type RuleChange } from '@sieve/moderation';
import { useState } from 'react';
import { useSystemInfo } from '../../hooks/use-system';
import { describeRange, type Range } from './backtest-range';
import { PolicyDiff } from './policy-diff';
import { change } from './what-if';

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
      <PolicyDiff changes={changes} after="Draft" />
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
