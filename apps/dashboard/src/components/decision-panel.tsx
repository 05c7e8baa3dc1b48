import { useState } from 'react';
import type { Decision, ReviewerAction } from '../api/flags';
import { useHotkeys } from '../hooks/use-hotkeys';
import { useSystemInfo } from '../hooks/use-system';

const ACTIONS: { action: ReviewerAction; label: string; key: string }[] = [
  { action: 'approve', label: 'Approve', key: 'a' },
  { action: 'remove', label: 'Remove', key: 'r' },
  { action: 'escalate', label: 'Escalate', key: 'e' },
];

/**
 * Approve / remove / escalate with a reason and an optional note, all from the keyboard:
 * a/r/e picks the action, 1–9 the reason, n the note, Enter confirms, Escape cancels.
 */
export function DecisionPanel({
  onDecide,
  busy,
  disabledActions = [],
  title = 'Decide',
}: {
  onDecide: (decision: Decision) => void;
  busy: boolean;
  disabledActions?: ReviewerAction[];
  title?: string;
}) {
  const system = useSystemInfo();
  const [action, setAction] = useState<ReviewerAction | null>(null);
  const [reason, setReason] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const reasons = action ? (system.data?.review.reasons[action] ?? []) : [];

  const pick = (next: ReviewerAction) => {
    if (disabledActions.includes(next)) return;
    setAction(next);
    setReason(system.data?.review.reasons[next][0] ?? null);
  };
  const confirm = () => {
    if (!action || !reason || busy) return;
    onDecide({ action, reason, note: note.trim() || undefined });
    setAction(null);
    setNote('');
  };

  useHotkeys({
    a: () => pick('approve'),
    r: () => pick('remove'),
    e: () => pick('escalate'),
    n: () => document.getElementById('decision-note')?.focus(),
    Enter: confirm,
    Escape: () => {
      (document.activeElement as HTMLElement | null)?.blur();
      setAction(null);
    },
    ...Object.fromEntries(reasons.slice(0, 9).map((r, i) => [String(i + 1), () => setReason(r)])),
  });

  return (
    <section className="decision-panel" aria-label={title}>
      <div className="action-buttons">
        {ACTIONS.map(({ action: a, label, key }) => (
          <button
            key={a}
            className={`action action-${a} ${action === a ? 'chosen' : ''}`}
            onClick={() => pick(a)}
            disabled={busy || disabledActions.includes(a)}
            aria-pressed={action === a}
          >
            {label} <kbd>{key}</kbd>
          </button>
        ))}
      </div>
      {action && (
        <div className="reason-picker">
          <fieldset>
            <legend>Reason</legend>
            {reasons.map((r, i) => (
              <label key={r} className="reason">
                <input
                  type="radio"
                  name="reason"
                  checked={reason === r}
                  onChange={() => setReason(r)}
                />
                <kbd>{i + 1}</kbd> {r}
              </label>
            ))}
          </fieldset>
          <label className="note-field">
            Note (optional) <kbd>n</kbd>
            <textarea
              id="decision-note"
              rows={2}
              maxLength={4000}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
          </label>
          <button className="primary" onClick={confirm} disabled={busy || !reason}>
            Confirm {action} <kbd>Enter</kbd>
          </button>
        </div>
      )}
    </section>
  );
}
