import { normalizeForScoring } from '@sieve/moderation';
import type { FlagSummary } from '../../api/flags';
import { DecisionPanel } from '../../components/decision-panel';
import { useBulkDecide } from '../../hooks/use-review';

/**
 * The selection's bar: decide every selected flag at once, then what happened to each. "Like
 * this" selects, among the loaded rows still to decide, those with the cursor row's text (as the
 * scorer normalizes it) or its author — the count is on the button before anything is decided.
 */
export function BulkBar({
  selected,
  clear,
  select,
  cursorFlag,
  rows,
}: {
  selected: Set<string>;
  clear: () => void;
  select: (ids: string[]) => void;
  cursorFlag: FlagSummary | undefined;
  /** The queue's loaded rows. */
  rows: FlagSummary[];
}) {
  const bulk = useBulkDecide();
  const loaded = rows.filter((f) => f.status !== 'decided');
  const sameText = cursorFlag
    ? loaded.filter(
        (f) => normalizeForScoring(f.event.text) === normalizeForScoring(cursorFlag.event.text),
      )
    : [];
  const sameAuthor = cursorFlag
    ? loaded.filter(
        (f) =>
          f.event.authorId === cursorFlag.event.authorId &&
          f.event.source === cursorFlag.event.source,
      )
    : [];
  const skipped = bulk.data?.filter((r) => r.outcome !== 'decided').length ?? 0;
  return (
    <>
      {cursorFlag && (sameText.length > 1 || sameAuthor.length > 1) && (
        <p className="like-this small">
          Select like the highlighted row:{' '}
          <button
            className="link-button"
            disabled={sameText.length < 2}
            onClick={() => select(sameText.map((f) => f.id))}
          >
            {sameText.length} with the same text
          </button>{' '}
          ·{' '}
          <button
            className="link-button"
            disabled={sameAuthor.length < 2}
            onClick={() => select(sameAuthor.map((f) => f.id))}
          >
            {sameAuthor.length} by {cursorFlag.event.authorId}
          </button>
        </p>
      )}
      {selected.size > 0 && (
        <div className="bulk-bar" data-testid="bulk-bar">
          <p>
            <strong>{selected.size} selected</strong> — decide them all, or <kbd>x</kbd> to change
            the selection.{' '}
            <button className="link-button" onClick={clear}>
              Clear
            </button>
          </p>
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
