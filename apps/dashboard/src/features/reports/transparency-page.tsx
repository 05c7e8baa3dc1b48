import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import {
  transparencyExportUrl,
  transparencyReport,
  type TransparencyPeriod,
} from '../../api/data-lifecycle';
import { queryKeys } from '../../hooks/query-keys';
import { useCategoryLabel } from '../../hooks/use-system';

const DAY_MS = 86_400_000;
const isoDay = (at: number) => new Date(at).toISOString().slice(0, 10);

const ACTION_LABELS: Record<string, string> = {
  block: 'Blocked',
  remove: 'Removed',
  approve: 'Approved',
  escalate: 'Escalated',
  appeal_upheld: 'Appeal upheld',
  appeal_overturned: 'Appeal overturned',
};
const AUTOMATION_LABELS = {
  automatic: 'Automatic',
  partly: 'Partly automated',
  human: 'Human',
} as const;

/**
 * The transparency report: what was decided, by period, category, action and how automated,
 * and appeals with their outcomes — as a page, and as CSV or JSON to publish.
 */
export function TransparencyPage() {
  const label = useCategoryLabel();
  const [from, setFrom] = useState(() => isoDay(Date.now() - 364 * DAY_MS));
  const [to, setTo] = useState(() => isoDay(Date.now() + DAY_MS));
  const [period, setPeriod] = useState<TransparencyPeriod>('month');
  const fromIso = `${from}T00:00:00Z`;
  const toIso = `${to}T00:00:00Z`;
  const report = useQuery({
    queryKey: queryKeys.transparency(fromIso, toIso, period),
    queryFn: () => transparencyReport(fromIso, toIso, period),
    enabled: from < to,
  });
  const r = report.data;
  return (
    <section className="transparency" data-testid="transparency">
      <header className="page-header">
        <h1>Transparency report</h1>
        <div className="filters">
          <label>
            From
            <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label>
            To (not included)
            <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
          <label>
            By
            <select
              value={period}
              onChange={(e) => setPeriod(e.target.value as TransparencyPeriod)}
            >
              <option value="day">day</option>
              <option value="week">week</option>
              <option value="month">month</option>
            </select>
          </label>
          <span className="muted small">
            Download:{' '}
            <a href={transparencyExportUrl(fromIso, toIso, period, 'csv')} download>
              CSV
            </a>{' '}
            ·{' '}
            <a href={transparencyExportUrl(fromIso, toIso, period, 'json')} download>
              JSON
            </a>
          </span>
        </div>
      </header>
      {from >= to && <p className="error">The start must be before the end.</p>}
      {report.isError && (
        <p className="error" role="alert">
          {report.error.message}
        </p>
      )}
      {report.isPending && from < to && <p className="muted">Loading…</p>}
      {r && (
        <>
          <div className="stat-tiles">
            <div className="tile" data-testid="total-decisions">
              <strong>{r.totals.decisions}</strong> decisions
            </div>
            {(['automatic', 'partly', 'human'] as const).map((a) => (
              <div className="tile" key={a} data-testid={`automation-${a}`}>
                <strong>{r.totals.byAutomation[a]}</strong> {AUTOMATION_LABELS[a].toLowerCase()}
              </div>
            ))}
            <div className="tile">
              <strong>{r.totals.appeals}</strong> appeals
              <span className="muted small">{r.totals.overturned} overturned</span>
            </div>
            <div className="tile">
              <strong>{r.totals.erasures}</strong> erasure requests
            </div>
          </div>
          <h2>Decisions</h2>
          {r.rows.length === 0 ? (
            <p className="muted">No decisions in this range.</p>
          ) : (
            <table className="queue" data-testid="transparency-rows">
              <thead>
                <tr>
                  <th>{period === 'day' ? 'Day' : period === 'week' ? 'Week of' : 'Month'}</th>
                  <th>Category</th>
                  <th>Action</th>
                  <th>Automation</th>
                  <th className="num">Decisions</th>
                </tr>
              </thead>
              <tbody>
                {r.rows.map((row) => (
                  <tr key={`${row.period}|${row.category}|${row.action}|${row.automation}`}>
                    <td>{period === 'month' ? row.period.slice(0, 7) : row.period}</td>
                    <td>{label(row.category)}</td>
                    <td>{ACTION_LABELS[row.action] ?? row.action}</td>
                    <td>{AUTOMATION_LABELS[row.automation]}</td>
                    <td className="num">{row.decisions}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>Appeals</h2>
          {r.appeals.length === 0 ? (
            <p className="muted">No appeals in this range.</p>
          ) : (
            <table className="queue">
              <thead>
                <tr>
                  <th>Period</th>
                  <th className="num">Received</th>
                  <th className="num">Upheld</th>
                  <th className="num">Overturned</th>
                  <th className="num">Still open</th>
                </tr>
              </thead>
              <tbody>
                {r.appeals.map((a) => (
                  <tr key={a.period}>
                    <td>{period === 'month' ? a.period.slice(0, 7) : a.period}</td>
                    <td className="num">{a.received}</td>
                    <td className="num">{a.upheld}</td>
                    <td className="num">{a.overturned}</td>
                    <td className="num">{a.open}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="muted small">
            Automatic: blocked by the pipeline, no person decided since. Partly automated: flagged
            by the pipeline, decided by a reviewer. Human: a person decided on a person's complaint
            (appeals). Each decision not undone counts once, under the item's most severe category,
            in the period it was taken (UTC). Erasing content on request leaves these counts as they
            were.
          </p>
        </>
      )}
    </section>
  );
}
