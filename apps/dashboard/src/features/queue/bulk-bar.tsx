import { DecisionPanel } from '../../components/decision-panel';
import { useBulkDecide } from '../../hooks/use-review';

/** The selection's bar: decide every selected flag at once, then what happened to each. */
export function BulkBar({ selected, clear }: { selected: Set<string>; clear: () => void }) {
  const bulk = useBulkDecide();
  const skipped = bulk.data?.filter((r) => r.outcome !== 'decided').length ?? 0;
  return (
    <>
      {selected.size > 0 && (
        <div className="bulk-bar" data-testid="bulk-bar">
          <strong>{selected.size} selected</strong> — decide them all, or <kbd>x</kbd> to change the
          selection.
          <button className="link-button" onClick={clear}>
            Clear
          </button>
          <DecisionPanel
            title="Decide the selected flags"
            busy={bulk.isPending}
            onDecide={(decision) =>
              bulk.mutate({ ids: [...selected], decision }, { onSuccess: clear })
            }
          />
        </div>
      )}
      {bulk.data && (
        <p role="status" className="muted">
          {bulk.data.length - skipped} decided
          {skipped > 0 &&
            `, ${skipped} skipped (held by someone else, already decided or not yours to decide)`}
        </p>
      )}
    </>
  );
}
