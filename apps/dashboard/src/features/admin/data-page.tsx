import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ERASURE_PROGRESS_MS, eraseAuthor, listErasures, previewErasure } from '../../api/authors';
import { retentionDryRun, retentionStatus, type RetentionReport } from '../../api/data-lifecycle';
import { queryKeys } from '../../hooks/query-keys';
import { DeadLettersSection } from './dead-letters-section';

const KIND_LABELS = {
  allowedEvents: "Allowed posts' text and scores",
  decisions: 'Flags and decisions (and their posts)',
  explanations: 'Explanations',
  histograms: 'Score histograms (backtests)',
  auditLog: 'Audit log',
} as const;

/**
 * For admins: how long each kind of data is kept, what retention removed, erasure requests, and
 * the dead-letter topic.
 */
export function DataPage() {
  return (
    <section className="data-page">
      <h1>Data and retention</h1>
      <RetentionSection />
      <ErasureSection />
      <DeadLettersSection />
    </section>
  );
}

function RetentionSection() {
  const status = useQuery({ queryKey: queryKeys.retention, queryFn: retentionStatus });
  const dryRun = useMutation({ mutationFn: retentionDryRun });
  if (status.isPending) return <p className="muted">Loading…</p>;
  if (status.isError)
    return (
      <p className="error" role="alert">
        {status.error.message}
      </p>
    );
  const s = status.data;
  return (
    <>
      <h2>Retention</h2>
      <p className="muted small">
        {s.enabled
          ? `Enforced every ${s.runEveryMinutes} minutes by one replica.`
          : 'Not enforced on a schedule (RETENTION_ENABLED=false); `npm run retention` runs it.'}{' '}
        Allowed posts are kept in day partitions ({s.allowedPartitions.count}, from{' '}
        {s.allowedPartitions.oldest ?? '—'} to {s.allowedPartitions.newest ?? '—'}); a whole day
        goes at once. Posts that were flagged stay as long as their decisions.
      </p>
      <table className="queue" data-testid="retention-settings">
        <thead>
          <tr>
            <th>What</th>
            <th className="num">Kept for</th>
          </tr>
        </thead>
        <tbody>
          {(Object.keys(KIND_LABELS) as (keyof typeof KIND_LABELS)[]).map((kind) => (
            <tr key={kind}>
              <td>{KIND_LABELS[kind]}</td>
              <td className="num">{s.settingsDays[kind].toLocaleString()} days</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <button
          type="button"
          className="plain-button"
          onClick={() => dryRun.mutate()}
          disabled={dryRun.isPending}
        >
          What would go now? (dry run)
        </button>
      </p>
      {dryRun.error && (
        <p className="error" role="alert">
          {dryRun.error.message}
        </p>
      )}
      {dryRun.data && <ReportSummary report={dryRun.data} />}
      <h3>Last runs</h3>
      {s.lastRuns.length === 0 ? (
        <p className="muted">No run yet.</p>
      ) : (
        <ol className="plain">
          {s.lastRuns.map((run) => (
            <li key={run.id}>
              {new Date(run.startedAt).toLocaleString()}:{' '}
              {run.report ? <ReportSummary report={run.report} inline /> : 'running or stopped'}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

function ReportSummary({ report, inline }: { report: RetentionReport; inline?: boolean }) {
  const a = report.allowedEvents;
  const text =
    `${report.dryRun ? 'would remove' : 'removed'} ${a.removed.toLocaleString()} allowed posts ` +
    `(${a.partitions.length} days, ${a.movedToKept} kept because something refers to them), ` +
    `${report.decisions.flags} flags and ${report.decisions.events} decided posts, ` +
    `${report.explanations} explanations, ${report.histogramRows} histogram rows, ` +
    `${report.auditEntries} audit entries` +
    (a.waitingForHistograms.length
      ? `; ${a.waitingForHistograms.length} expired days wait for backtest histograms`
      : '');
  return inline ? (
    <span>{text}</span>
  ) : (
    <p role="status" data-testid="retention-report">
      {text.charAt(0).toUpperCase() + text.slice(1)}.
    </p>
  );
}

/**
 * Erasure by source and author id, typed by hand: the form first shows what the request would
 * erase (a typo finds nothing, or someone else), and erases only on a second, explicit click.
 */
function ErasureSection() {
  const client = useQueryClient();
  const erasures = useQuery({
    queryKey: queryKeys.erasures,
    queryFn: listErasures,
    // An erasure of a prolific author goes on in the background: its count moves until it is done.
    refetchInterval: (query) =>
      query.state.data?.some((e) => !e.completedAt) ? ERASURE_PROGRESS_MS : false,
  });
  const [form, setForm] = useState({ source: '', authorId: '', reason: '' });
  const request = {
    source: form.source.trim(),
    authorId: form.authorId.trim(),
    reason: form.reason.trim(),
  };
  const preview = useMutation({
    mutationFn: () => previewErasure(request.source, request.authorId),
  });
  const erase = useMutation({
    mutationFn: eraseAuthor,
    onSuccess: () => {
      setForm({ source: '', authorId: '', reason: '' });
      preview.reset();
      void client.invalidateQueries({ queryKey: queryKeys.erasures });
      void client.invalidateQueries({ queryKey: ['flags'] });
    },
  });
  const edit = (change: Partial<typeof form>) => {
    setForm({ ...form, ...change });
    preview.reset();
  };
  const target = preview.data;
  return (
    <>
      <h2>Erasure on request</h2>
      <p className="muted small">
        Erases the text of every stored post by an author. Scores and decisions stay for the
        statistics and the transparency report; the platform receives an erasure message per post.
        It cannot be undone.
      </p>
      <form
        className="filters"
        aria-label="Erasure request"
        onSubmit={(e) => {
          e.preventDefault();
          erase.reset();
          preview.mutate();
        }}
      >
        <label>
          Source
          <input value={form.source} required onChange={(e) => edit({ source: e.target.value })} />
        </label>
        <label>
          Author id
          <input
            value={form.authorId}
            required
            onChange={(e) => edit({ authorId: e.target.value })}
          />
        </label>
        <label>
          Request reference or reason
          <input
            value={form.reason}
            required
            minLength={3}
            maxLength={500}
            onChange={(e) => edit({ reason: e.target.value })}
          />
        </label>
        <button type="submit" className="plain-button" disabled={preview.isPending}>
          Review erasure…
        </button>
      </form>
      {target && (
        <div className="confirm" role="dialog" aria-label="Confirm the erasure">
          <p data-testid="erasure-preview">
            {target.storedPosts === 0 ? (
              <>
                No stored post by <strong>{target.authorId}</strong> on{' '}
                <strong>{target.source}</strong> has text left to erase. Erasing records the request
                and erases nothing.
              </>
            ) : (
              <>
                Erase the text of <strong>{target.storedPosts.toLocaleString()}</strong> stored{' '}
                {target.storedPosts === 1 ? 'post' : 'posts'} by <strong>{target.authorId}</strong>{' '}
                on <strong>{target.source}</strong>
                {target.flaggedPosts > 0 &&
                  ` (${target.flaggedPosts.toLocaleString()} flagged: their decisions stay)`}
                ? This cannot be undone.
              </>
            )}
          </p>
          <button
            type="button"
            className="danger"
            disabled={erase.isPending}
            onClick={() => erase.mutate(request)}
          >
            {target.storedPosts === 0 ? 'Record the request' : 'Erase permanently'}
          </button>{' '}
          <button type="button" className="link-button" onClick={() => preview.reset()}>
            Cancel
          </button>
        </div>
      )}
      {(preview.error ?? erase.error) && (
        <p className="error" role="alert">
          {(preview.error ?? erase.error)?.message}
        </p>
      )}
      {erase.data && (
        <p role="status">
          {erase.data.completedAt
            ? `Erased ${erase.data.eventsErased.toLocaleString()} posts by ${erase.data.authorId}.`
            : `Erasing the posts by ${erase.data.authorId} in the background: the list below shows its progress.`}
        </p>
      )}
      {erasures.data?.length === 0 ? (
        <p className="muted">No erasure requests yet.</p>
      ) : (
        <table className="queue" data-testid="erasures">
          <thead>
            <tr>
              <th>When</th>
              <th>Author</th>
              <th>Reason</th>
              <th>Asked by</th>
              <th className="num">Posts erased</th>
            </tr>
          </thead>
          <tbody>
            {(erasures.data ?? []).map((e) => (
              <tr key={e.id}>
                <td className="muted">{new Date(e.requestedAt).toLocaleString()}</td>
                <td>
                  {e.authorId} <span className="muted small">on {e.source}</span>
                </td>
                <td>{e.reason}</td>
                <td>{e.requestedBy}</td>
                <td className="num">
                  {e.eventsErased.toLocaleString()}
                  {!e.completedAt && <span className="muted small"> so far, erasing…</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
