import { suggestedRemovalReason } from '@sieve/moderation';
import { type KeyboardEvent, useRef, useState } from 'react';
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
 * a/r/e picks the action, 1–9 the reason, n the note, Enter (Ctrl/⌘-Enter in the note)
 * confirms. No reason is preselected unless it names the flag's top category: a default that
 * can be wrong records wrong data. Escape leaves the note; it discards a chosen action only
 * when pressed twice.
 */
export function DecisionPanel({
  onDecide,
  busy,
  disabledActions = [],
  title = 'Decide',
  topCategory,
}: {
  onDecide: (decision: Decision) => void;
  busy: boolean;
  disabledActions?: ReviewerAction[];
  title?: string;
  /** The flag's strongest category, for the removal reason that names it. */
  topCategory?: string;
}) {
  const system = useSystemInfo();
  const [action, setAction] = useState<ReviewerAction | null>(null);
  const [reason, setReason] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [discarding, setDiscarding] = useState(false);
  const [missingReason, setMissingReason] = useState(false);
  const reasonsRef = useRef<HTMLFieldSetElement>(null);
  const reasons = action ? (system.data?.review.reasons[action] ?? []) : [];

  const pick = (next: ReviewerAction) => {
    if (disabledActions.includes(next)) return;
    const options = system.data?.review.reasons[next] ?? [];
    setAction(next);
    setReason(next === 'remove' ? suggestedRemovalReason(options, topCategory) : null);
    setDiscarding(false);
    setMissingReason(false);
  };
  const confirm = () => {
    if (!action || busy) return;
    if (!reason) {
      setMissingReason(true);
      reasonsRef.current?.querySelector('input')?.focus();
      return;
    }
    onDecide({ action, reason, note: note.trim() || undefined });
    setAction(null);
    setNote('');
    setDiscarding(false);
  };
  const choose = (r: string) => {
    setReason(r);
    setMissingReason(false);
  };

  useHotkeys({
    a: () => pick('approve'),
    r: () => pick('remove'),
    e: () => pick('escalate'),
    n: () => document.getElementById('decision-note')?.focus(),
    Enter: confirm,
    Escape: (event) => {
      // First out of a field or button, then (twice) out of the decision.
      const target = event.target;
      if (target instanceof HTMLElement && target !== document.body) {
        target.blur();
        return;
      }
      if (!action) return;
      if (discarding) {
        setAction(null);
        setNote('');
        setDiscarding(false);
      } else setDiscarding(true);
    },
    ...Object.fromEntries(reasons.slice(0, 9).map((r, i) => [String(i + 1), () => choose(r)])),
  });
  const onNoteKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      confirm();
    }
  };

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
          <fieldset ref={reasonsRef} aria-invalid={missingReason}>
            <legend>Reason{missingReason && <strong> — choose one first</strong>}</legend>
            {reasons.map((r, i) => (
              <label key={r} className="reason">
                <input
                  type="radio"
                  name="reason"
                  checked={reason === r}
                  onChange={() => choose(r)}
                />
                <kbd>{i + 1}</kbd> {r}
              </label>
            ))}
          </fieldset>
          <label className="note-field">
            <span>
              Note (optional) <kbd>n</kbd>
            </span>
            <textarea
              id="decision-note"
              rows={2}
              maxLength={4000}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              onKeyDown={onNoteKey}
            />
          </label>
          {discarding && (
            <p className="discard-hint" role="status">
              Press Escape again to discard this {action}
              {note.trim() ? ' and its note' : ''}, or carry on.
            </p>
          )}
          <button className="primary" onClick={confirm} disabled={busy || !reason}>
            Confirm {action} <kbd>Enter</kbd>{' '}
            <span className="muted small">(⌘/Ctrl-Enter in the note)</span>
          </button>
        </div>
      )}
    </section>
  );
}
