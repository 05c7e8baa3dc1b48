import { useState } from 'react';
import type { FlagSummary } from '../../api/flags';

/**
 * New flags arriving while a reviewer reads the queue are held back and announced ("3 new —
 * show") instead of being inserted among the rows under their eyes. Updates to the rows shown
 * (claims, decisions) still apply at once.
 */
export function useHeldArrivals(flags: FlagSummary[], listKey: string) {
  // The newest creation time the reviewer has been shown, per list (filters reset it).
  const [shownUntil, setShownUntil] = useState<{ key: string; until: string | null }>({
    key: listKey,
    until: null,
  });
  const newest = flags.reduce<string | null>(
    (max, f) => (max === null || f.createdAt > max ? f.createdAt : max),
    null,
  );
  const until = shownUntil.key === listKey ? shownUntil.until : null;
  if (until === null && newest !== null) {
    // The first rows of this list: show them all, and hold back what comes after.
    setShownUntil({ key: listKey, until: newest });
  }
  const shown = until === null ? flags : flags.filter((f) => f.createdAt <= until);
  const held = flags.length - shown.length;
  return {
    shown,
    held,
    showHeld: () => setShownUntil({ key: listKey, until: newest }),
  };
}
