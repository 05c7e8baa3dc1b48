import { useEffect, useRef, useState } from 'react';
import { useHotkeys } from '../hooks/use-hotkeys';

const SHORTCUTS: [string, string][] = [
  ['j / k', 'next / previous item'],
  ['Enter', 'open the item (in the queue); confirm (in a decision)'],
  ['Ctrl/⌘-Enter', 'confirm a decision from its note'],
  ['x', 'select the item for a bulk action'],
  ['a / r / e', 'approve / remove / escalate'],
  ['1–9', 'pick a reason'],
  ['n', 'write a note'],
  ['Escape', 'leave a field; twice: discard the decision being made'],
  ['w', 'explain why the item was flagged'],
  ['u', 'undo the last decision, from any page'],
  ['v', 'reveal blurred sensitive content'],
  ['q', 'back to the queue'],
  ['?', 'show or hide this help'],
];

/** The shortcut list, as a modal dialog: it takes the focus and gives it back when closed. */
export function ShortcutHelp() {
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDivElement>(null);
  useHotkeys({ '?': () => setOpen((o) => !o), Escape: () => setOpen(false) });
  useEffect(() => {
    if (!open) return;
    const before = document.activeElement as HTMLElement | null;
    dialog.current?.querySelector<HTMLElement>('button')?.focus();
    return () => before?.focus?.();
  }, [open]);
  if (!open) return null;
  return (
    <div
      className="help-overlay"
      role="dialog"
      aria-modal="true"
      aria-labelledby="shortcut-help-title"
      data-testid="shortcut-help"
      ref={dialog}
      onKeyDown={(event) => {
        // The dialog keeps the focus while open: Tab cycles on its one button.
        if (event.key === 'Tab') event.preventDefault();
      }}
    >
      <h2 id="shortcut-help-title">Keyboard shortcuts</h2>
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
