import { useState } from 'react';
import { useHotkeys } from '../hooks/use-hotkeys';

const SHORTCUTS: [string, string][] = [
  ['j / k', 'next / previous item'],
  ['Enter', 'open the item (in the queue); confirm (in a decision)'],
  ['x', 'select the item for a bulk action'],
  ['a / r / e', 'approve / remove / escalate'],
  ['1–9', 'pick a reason'],
  ['n', 'write a note'],
  ['w', 'explain why the item was flagged'],
  ['u', 'undo the last decision'],
  ['v', 'reveal blurred sensitive content'],
  ['q', 'back to the queue'],
  ['?', 'show or hide this help'],
];

export function ShortcutHelp() {
  const [open, setOpen] = useState(false);
  useHotkeys({ '?': () => setOpen((o) => !o), Escape: () => setOpen(false) });
  if (!open) return null;
  return (
    <div
      className="help-overlay"
      role="dialog"
      aria-label="Keyboard shortcuts"
      data-testid="shortcut-help"
    >
      <h2>Keyboard shortcuts</h2>
      <dl>
        {SHORTCUTS.map(([keys, what]) => (
          <div key={keys}>
            <dt>
              <kbd>{keys}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <button onClick={() => setOpen(false)}>Close</button>
    </div>
  );
}
