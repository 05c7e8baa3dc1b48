import type { QualityFiguresDto as QualityFigures } from '@sieve/contracts';
import { hasRole } from '../api/auth';
import { statementsExportUrl } from '../api/statements';
import { DailyFlagsChart } from '../components/daily-flags-chart';
import { timeAgo } from '../components/format';
import { useSession } from '../hooks/use-session';
import { useStatementBacklog } from '../hooks/use-statements';
import { useNow } from '../hooks/use-now';
import { useJudgingStatus } from '../hooks/use-policies';
import { useStats } from '../hooks/use-stats';
import { useCategoryLabel } from '../hooks/use-system';

export function StatsPage() {
  const stats = useStats(14);
  const label = useCategoryLabel();
  const now = useNow();
  if (stats.isPending) return <p className="muted">Loading…</p>;
  if (stats.isError)
    return (
      <p className="error" role="alert">
        {stats.error.message}
      </p>
    );
  const s = stats.data;

  // Every day of the period, empty ones included, so the bars keep a steady width.
  const days = Array.from({ length: s.days }, (_, i) =>
    new Date(now - (s.days - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
  const maxReviewer = Math.max(
    1,
    ...s.decisionsByReviewer.map((r) => r.approve + r.remove + r.escalate),
  );

  return (
    <section className="stats" data-testid="stats">
      <h1>Stats — last {s.days} days</h1>
      <div className="stat-tiles">
        <div className="tile">
          <strong>{s.queue.waiting}</strong> waiting
          {s.queue.oldestWaitingAt && (
            <span className="muted small">
              oldest flagged {timeAgo(s.queue.oldestWaitingAt, now)}
            </span>
          )}
        </div>
        <div className="tile">
          <strong>
            {s.agreement.pairs === 0
              ? '—'
              : `${Math.round((100 * s.agreement.agreed) / s.agreement.pairs)}%`}
          </strong>{' '}
          reviewer agreement
          <span className="muted small">
            {s.agreement.agreed} of {s.agreement.pairs} pairs of decisions on identical texts
          </span>
        </div>
        <div className="tile">
          {s.mistralUsage ? (
            <>
              <strong>${s.mistralUsage.costUsd.toFixed(4)}</strong> Mistral cost
              <span className="muted small">
                {s.mistralUsage.requests} requests · {s.mistralUsage.totalTokens} tokens in {s.days}{' '}
                days, every api replica · at prices as of {s.mistralUsage.pricesAsOf}
              </span>
            </>
          ) : (
            <>
              <strong>—</strong> Mistral usage
              <span className="muted small">offline scorer and explainer: no Mistral calls</span>
            </>
          )}
        </div>
      </div>

      <h2>Flags per day, by category</h2>
      {s.flagsPerDay.length === 0 && <p className="muted">No flags in this period.</p>}
      {s.flagsPerDay.length > 0 && <DailyFlagsChart days={days} rows={s.flagsPerDay} />}

      <h2>Decisions per reviewer</h2>
      {s.decisionsByReviewer.length === 0 && <p className="muted">No decisions in this period.</p>}
      <table className="score-chart">
        <tbody>
          {s.decisionsByReviewer.map((r) => {
            const total = r.approve + r.remove + r.escalate;
            return (
              <tr key={r.reviewer}>
                <th scope="row">{r.reviewer}</th>
                <td className="bar-cell">
                  <div
                    className="bar-track split"
                    style={{ width: `${(100 * total) / maxReviewer}%` }}
                  >
                    <div
                      className="seg approve"
                      style={{ flexGrow: r.approve }}
                      title={`approved ${r.approve}`}
                    />
                    <div
                      className="seg remove"
                      style={{ flexGrow: r.remove }}
                      title={`removed ${r.remove}`}
                    />
                    <div
                      className="seg escalate"
                      style={{ flexGrow: r.escalate }}
                      title={`escalated ${r.escalate}`}
                    />
                  </div>
                </td>
                <td className="num">
                  {r.approve} approved · {r.remove} removed · {r.escalate} escalated
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <h2>Reviewer quality</h2>
      <p className="muted">
        Golden items: decided items policy admins vouch for, mixed blind into queues; accuracy is
        how often reviewers reached the expected outcome. Second review: decisions made again blind
        by another reviewer; agreement beyond chance as Cohen&apos;s kappa (1 perfect, 0 chance),
        with the number of pairs behind it. Each queue sets how often it does either.
      </p>
      {s.quality.byReviewer.length === 0 ? (
        <p className="muted">No golden items or second reviews answered in this period.</p>
      ) : (
        <div className="appeal-stats" data-testid="quality-stats">
          <QualityTable
            caption="By reviewer"
            rows={s.quality.byReviewer.map((r) => ({ ...r, name: r.reviewer }))}
          />
          <QualityTable
            caption="By category"
            rows={s.quality.byCategory.map((r) => ({ ...r, name: label(r.category) }))}
          />
        </div>
      )}

      <h2>Queues</h2>
      <table className="queue" data-testid="queue-stats">
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col" className="num">
              Waiting
            </th>
            <th scope="col">Oldest</th>
            <th scope="col" className="num">
              Past the SLA
            </th>
            <th scope="col" className="num">
              Decided
            </th>
            <th scope="col">First look (median · 90%)</th>
            <th scope="col">Decision (median · 90%)</th>
          </tr>
        </thead>
        <tbody>
          {s.queues.map((q) => (
            <tr key={q.queue}>
              <th scope="row">{q.name}</th>
              <td className="num">{q.open}</td>
              <td>{q.oldestOpenAt ? timeAgo(q.oldestOpenAt, now) : '—'}</td>
              <td className={`num ${q.slaBreaches > 0 ? 'error' : ''}`}>{q.slaBreaches}</td>
              <td className="num">{q.decided}</td>
              <td>
                {duration(q.firstLookP50Seconds)} · {duration(q.firstLookP90Seconds)}
              </td>
              <td>
                {duration(q.decisionP50Seconds)} · {duration(q.decisionP90Seconds)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Automatic decisions</h2>
      <p className="muted">
        Automatic blocks in this period, per category: closed without review by gradual automation,
        and of those a person looked at (the QA sample, or every block where the category is not
        automated), how many they overturned. Overturns also count as wrong in the policies page's
        precision.
      </p>
      {s.automation.length === 0 ? (
        <p className="muted">No automatic blocks in this period.</p>
      ) : (
        <table className="queue" data-testid="automation-stats">
          <thead>
            <tr>
              <th scope="col">Category</th>
              <th scope="col" className="num">
                Blocks
              </th>
              <th scope="col" className="num">
                Closed without review
              </th>
              <th scope="col" className="num">
                Reviewed
              </th>
              <th scope="col" className="num">
                Overturned
              </th>
            </tr>
          </thead>
          <tbody>
            {s.automation.map((r) => (
              <tr key={r.category}>
                <th scope="row">{label(r.category)}</th>
                <td className="num">{r.blocks}</td>
                <td className="num">{r.closed}</td>
                <td className="num">{r.reviewed}</td>
                <td className="num">
                  {r.overturned}
                  {r.reviewed > 0 && ` (${Math.round((100 * r.overturned) / r.reviewed)}%)`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <JudgeSpend />
      <StatementsSummary days={s.days} />

      <h2>Appeals</h2>
      <p className="muted">
        {s.appeals.open} waiting. Decided in this period: how often the appealed decision was
        overturned. Overturned removals also count as wrong in the policies page's precision.
      </p>
      {s.appeals.byCategory.length === 0 ? (
        <p className="muted">No appeals decided in this period.</p>
      ) : (
        <div className="appeal-stats">
          <OverturnTable
            caption="By category"
            rows={s.appeals.byCategory.map((r) => ({ ...r, name: label(r.category) }))}
          />
          <OverturnTable
            caption="By who made the appealed decision"
            rows={s.appeals.byReviewer.map((r) => ({
              ...r,
              name: r.reviewer ?? 'Automatic (the pipeline)',
            }))}
          />
        </div>
      )}
    </section>
  );
}

function QualityTable({
  caption,
  rows,
}: {
  caption: string;
  rows: (QualityFigures & { name: string })[];
}) {
  const share = (n: number, of: number) => (of === 0 ? '—' : `${Math.round((100 * n) / of)}%`);
  return (
    <table className="queue quality-figures">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col" />
          <th scope="col" className="num">
            Golden accuracy
          </th>
          <th scope="col" className="num">
            Second reviews
          </th>
          <th scope="col" className="num">
            Agreed
          </th>
          <th scope="col" className="num">
            Kappa
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.name}>
            <th scope="row">{r.name}</th>
            <td className="num">
              {share(r.goldenCorrect, r.goldenAnswered)}{' '}
              <span className="muted small">
                ({r.goldenCorrect} of {r.goldenAnswered})
              </span>
            </td>
            <td className="num">{r.secondReviews}</td>
            <td className="num">
              {r.agreement === null ? '—' : `${Math.round(100 * r.agreement)}%`}
            </td>
            <td className="num">{r.kappa === null ? '—' : r.kappa.toFixed(2)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** 95 → "1 min 35 s"; null → "—". */
function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

/** Statements of reasons: what waits for submission, and the export for the period. */
function StatementsSummary({ days }: { days: number }) {
  const backlog = useStatementBacklog();
  const session = useSession();
  const now = useNow();
  const canExport = !!session.data && hasRole(session.data.user.role, 'policy_admin');
  const from = new Date(now - days * 86_400_000).toISOString();
  const to = new Date(now + 60_000).toISOString();
  const b = backlog.data;
  return (
    <>
      <h2>Statements of reasons</h2>
      {b && (
        <p data-testid="statement-backlog">
          {b.drafts} draft{b.drafts === 1 ? '' : 's'} with reviewers ·{' '}
          {b.submitting
            ? `${b.pending} waiting for the Transparency Database${b.pending > 0 ? ` (oldest ${Math.round(b.oldestPendingSeconds)} s)` : ''} · ${b.accepted} accepted · ${b.rejected} refused`
            : 'submission to the Transparency Database is not configured'}
          {b.lastError && <span className="error"> · last error: {b.lastError}</span>}
        </p>
      )}
      {canExport && (
        <p>
          Export this period:{' '}
          <a href={statementsExportUrl(from, to, 'csv')} download>
            CSV
          </a>{' '}
          ·{' '}
          <a href={statementsExportUrl(from, to, 'json')} download>
            JSON
          </a>
        </p>
      )}
    </>
  );
}

function OverturnTable({
  caption,
  rows,
}: {
  caption: string;
  rows: { name: string; decided: number; overturned: number }[];
}) {
  return (
    <table className="queue" data-testid="overturn-rates">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{caption.startsWith('By category') ? 'Category' : 'Decided by'}</th>
          <th scope="col" className="num">
            Appeals decided
          </th>
          <th scope="col" className="num">
            Overturned
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.name}>
            <th scope="row">{r.name}</th>
            <td className="num">{r.decided}</td>
            <td className="num">
              {r.overturned} ({Math.round((100 * r.overturned) / r.decided)}%)
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What the custom-category judge costs: today against the budget, and the last 7 days. */
function JudgeSpend() {
  const status = useJudgingStatus();
  const j = status.data;
  if (!j) return null;
  return (
    <>
      <h2>Custom-category judge</h2>
      <p data-testid="judge-spend">
        {j.judge.kind === 'offline'
          ? 'Offline similarity judge (no language model, no cost)'
          : `Mistral ${j.judge.model}`}{' '}
        · today ${j.spentUsd.toFixed(4)} of ${j.budgetUsd} · {j.calls.toLocaleString()} calls,{' '}
        {j.cachedAnswers.toLocaleString()} answers reused · {j.unjudged.toLocaleString()} sent to
        review unjudged · {j.waiting.toLocaleString()} waiting
        {j.waiting > 0 && ` (oldest ${j.oldestWaitingSeconds} s)`}
        {j.exhausted && (
          <strong className="error">
            {' '}
            ·{' '}
            {j.exhausted === 'budget_exhausted'
              ? 'budget spent: events that need judging go to review'
              : 'at the rate cap: events that need judging go to review'}
          </strong>
        )}
      </p>
      {j.days.length > 0 && (
        <table className="queue">
          <caption>The last 7 days (UTC)</caption>
          <thead>
            <tr>
              <th>Day</th>
              <th>Calls</th>
              <th>Reused</th>
              <th>Unjudged</th>
              <th>Cost</th>
            </tr>
          </thead>
          <tbody>
            {j.days.map((d) => (
              <tr key={d.day}>
                <td>{d.day}</td>
                <td>{d.calls.toLocaleString()}</td>
                <td>{d.cachedAnswers.toLocaleString()}</td>
                <td>{d.unjudged.toLocaleString()}</td>
                <td>${d.costUsd.toFixed(4)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
