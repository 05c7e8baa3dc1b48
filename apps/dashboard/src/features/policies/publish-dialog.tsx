import { useState } from 'react';
import { describeRange, type Range } from './backtest-range';
import { change } from './what-if';

/** Publishing asks for a change note and says what the draft would have done. */
export function PublishDialog({
  version,
  range,
  impact,
  busy,
  onPublish,
  onCancel,
}: {
  version: number;
  range: Range;
  /** Category flags and auto-actions over the range, live vs draft; null while unknown. */
  impact: { flagged: [number, number]; auto: [number, number] } | null;
  busy: boolean;
  onPublish: (note: string) => void;
  onCancel: () => void;
}) {
  const [note, setNote] = useState('');
  return (
    <div className="confirm" role="dialog" aria-label="Publish the draft">
      <p data-testid="publish-impact">
        Publishing makes version {version} live for every api process within seconds.
        {impact && (
          <>
            {' '}
            Over {describeRange(range)} it would have raised{' '}
            <strong>{impact.flagged[1].toLocaleString()}</strong> category flags instead of{' '}
            {impact.flagged[0].toLocaleString()} ({change(impact.flagged[0], impact.flagged[1])})
            and auto-actioned {impact.auto[1].toLocaleString()} instead of{' '}
            {impact.auto[0].toLocaleString()}.
          </>
        )}
      </p>
      <label className="confirm-note">
        Change note (required)
        <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} />
      </label>
      <button
        className="primary"
        disabled={note.trim().length < 3 || busy}
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
