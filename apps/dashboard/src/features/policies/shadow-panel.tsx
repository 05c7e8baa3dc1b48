import type { PolicyVersionDto } from '@sieve/contracts';
import { timeAgo } from '../../components/format';
import { useNow } from '../../hooks/use-now';
import { usePolicyActions, useShadowReport } from '../../hooks/use-policies';
import { ChangedItems } from './changed-items';

const DECISIONS = ['allow', 'review', 'block'] as const;

/** Run the draft on live traffic without acting, and compare as it accumulates. */
export function ShadowPanel({ draft, dirty }: { draft: PolicyVersionDto; dirty: boolean }) {
  const { shadow } = usePolicyActions();
  const running = draft.shadowSince !== null;
  const report = useShadowReport(draft.version, running);
  const now = useNow(5_000);
  const cell = (live: string, decided: string) =>
    report.data?.matrix.find((m) => m.live === live && m.shadow === decided)?.events ?? 0;
  return (
    <div className="shadow-panel" data-testid="shadow-panel">
      <h3>Shadow run</h3>
      {!running && (
        <p className="muted small">
          Evaluate the saved draft on live traffic next to version {draft.basedOn}: nothing is
          flagged or decided by it, and you see where the two differ as events arrive.
        </p>
      )}
      {running && report.data && (
        <>
          <p className="small">
            Running since {timeAgo(report.data.since ?? draft.shadowSince ?? '', now)}:{' '}
            <strong>{report.data.events.toLocaleString()}</strong> events evaluated
            {dirty && ' (unsaved edits are not in it; saving restarts the run)'}.
          </p>
          <table className="rules-table shadow-matrix">
            <thead>
              <tr>
                <th>live ↓ · shadow →</th>
                {DECISIONS.map((d) => (
                  <th key={d}>{d}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {DECISIONS.map((live) => (
                <tr key={live}>
                  <th>{live}</th>
                  {DECISIONS.map((decided) => (
                    <td
                      key={decided}
                      className={`num ${live !== decided && cell(live, decided) > 0 ? 'differs' : ''}`}
                    >
                      {cell(live, decided).toLocaleString()}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {report.data.examples.length > 0 && (
            <ChangedItems
              testId="shadow-examples"
              items={report.data.examples.map((e) => ({
                ...e,
                change: `live ${e.liveDecision} → shadow ${e.shadowDecision}`,
              }))}
            />
          )}
        </>
      )}
      <button
        onClick={() => shadow.mutate({ version: draft.version, enabled: !running })}
        disabled={shadow.isPending || (!running && dirty)}
        title={!running && dirty ? 'Save the draft first' : undefined}
      >
        {running ? 'Stop the shadow run' : 'Run in shadow'}
      </button>
      {shadow.isError && <p className="error">{shadow.error.message}</p>}
    </div>
  );
}
