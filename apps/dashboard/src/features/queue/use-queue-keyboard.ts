import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { FlagSummary } from '../../api/flags';
import { useHotkeys } from '../../hooks/use-hotkeys';

/**
 * The row cursor (j/k, Enter opens) and the selection for bulk decisions (x). The cursor rests
 * on a flag, not on a row number: rows added or removed around it do not move it to another post.
 */
export function useQueueKeyboard(
  flags: FlagSummary[],
  canSelect: boolean,
  initialCursorId: string | null = null,
) {
  const navigate = useNavigate();
  const [cursorId, setCursorId] = useState<string | null>(initialCursorId);
  // Where the cursor's flag was: when it leaves the list (decided elsewhere), the cursor stays
  // at that place, on the flag that took it.
  const [lastIndex, setLastIndex] = useState(0);
  const found = cursorId ? flags.findIndex((f) => f.id === cursorId) : -1;
  const cursor = found >= 0 ? found : Math.min(lastIndex, Math.max(0, flags.length - 1));
  if (cursor !== lastIndex) setLastIndex(cursor);
  const moveTo = (index: number) => {
    const flag = flags[Math.max(0, Math.min(index, flags.length - 1))];
    if (flag) setCursorId(flag.id);
  };

  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  useHotkeys({
    j: () => moveTo(cursor + 1),
    k: () => moveTo(cursor - 1),
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
    cursorId: flags[cursor]?.id ?? null,
    moveTo,
    resetCursor: () => {
      setCursorId(null);
      setLastIndex(0);
    },
    selected,
    toggle,
    select: (ids: string[]) => setSelected(new Set(ids)),
    clearSelection: () => setSelected(new Set()),
  };
}
