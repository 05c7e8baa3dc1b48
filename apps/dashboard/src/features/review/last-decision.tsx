import { useMutation, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { type Decision, undoDecision } from '../../api/flags';
import { queryKeys } from '../../hooks/query-keys';
import { useHotkeys } from '../../hooks/use-hotkeys';
import { useSystemInfo } from '../../hooks/use-system';

const PAST: Record<Decision['action'], string> = {
  approve: 'Approved',
  remove: 'Removed',
  escalate: 'Escalated',
};

interface LastDecision {
  flagId: string;
  decision: Decision;
  at: number;
}

const LastDecisionContext = createContext<{
  last: LastDecision | null;
  record: (flagId: string, decision: Decision) => void;
  clear: () => void;
}>({ last: null, record: () => undefined, clear: () => undefined });

/** The reviewer's latest decision, kept across pages so it can be undone from anywhere. */
export function LastDecisionProvider({ children }: { children: ReactNode }) {
  const [last, setLast] = useState<LastDecision | null>(null);
  return (
    <LastDecisionContext.Provider
      value={{
        last,
        record: (flagId, decision) => setLast({ flagId, decision, at: Date.now() }),
        clear: () => setLast(null),
      }}
    >
      {children}
    </LastDecisionContext.Provider>
  );
}

export const useLastDecision = () => useContext(LastDecisionContext);

/**
 * "Removed · Threat of violence — Undo (u)": shown on every page for as long as the decision can
 * be undone (UNDO_WINDOW_SECONDS); undoing opens the flag again, held by the same reviewer.
 */
export function UndoToast() {
  const { last, clear } = useLastDecision();
  const system = useSystemInfo();
  const navigate = useNavigate();
  const client = useQueryClient();
  const windowMs = (system.data?.review.undoWindowSeconds ?? 60) * 1000;
  const undo = useMutation({
    mutationFn: (flagId: string) => undoDecision(flagId),
    onSuccess: (_result, flagId) => {
      clear();
      void client.invalidateQueries({ queryKey: queryKeys.flag(flagId), exact: true });
      void client.invalidateQueries({ queryKey: queryKeys.flagLists });
      void navigate(`/flags/${flagId}`);
    },
  });
  useEffect(() => {
    if (!last) return;
    const timer = setTimeout(clear, Math.max(0, last.at + windowMs - Date.now()));
    return () => clearTimeout(timer);
  }, [last, windowMs, clear]);
  useHotkeys({ u: () => last && !undo.isPending && undo.mutate(last.flagId) }, !!last);
  if (!last) return null;
  return (
    <div className="undo-toast" role="status" data-testid="decided">
      <span>
        {PAST[last.decision.action]} · {last.decision.reason}
      </span>
      <button
        className="link-button"
        onClick={() => undo.mutate(last.flagId)}
        disabled={undo.isPending}
      >
        Undo <kbd>u</kbd>
      </button>
      {undo.error && <span role="alert">{undo.error.message}</span>}
    </div>
  );
}
