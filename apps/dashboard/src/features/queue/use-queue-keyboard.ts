import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { FlagSummary } from '../../api/flags';
import { useHotkeys } from '../../hooks/use-hotkeys';

/** The row cursor (j/k, Enter opens) and the selection for bulk decisions (x). */
export function useQueueKeyboard(flags: FlagSummary[], canSelect: boolean) {
  const navigate = useNavigate();
  const [cursorIndex, setCursor] = useState(0);
  // The list can shrink under the cursor (decided elsewhere): keep it on a real row.
  const cursor = Math.min(cursorIndex, Math.max(0, flags.length - 1));
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  useHotkeys({
    j: () => setCursor(Math.min(cursor + 1, flags.length - 1)),
    k: () => setCursor(Math.max(cursor - 1, 0)),
    x: () => {
      if (flags[cursor] && canSelect) toggle(flags[cursor].id);
    },
  });
  // With a selection, Enter belongs to the bulk decision panel instead of opening the row.
  useHotkeys(
    {
      Enter: () => {
        if (flags[cursor]) void navigate(`/flags/${flags[cursor].id}`);
      },
    },
    selected.size === 0,
  );

  return {
    cursor,
    resetCursor: () => setCursor(0),
    selected,
    toggle,
    clearSelection: () => setSelected(new Set()),
  };
}
