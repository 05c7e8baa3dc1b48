import { useCategoryLabel, useSystemInfo } from '../hooks/use-system';

/** Hues far enough apart that no two neighbouring categories read as one. */
const PALETTE = [
  '#b42318',
  '#f79009',
  '#3b5bdb',
  '#05603a',
  '#6941c6',
  '#dd2590',
  '#0e9384',
  '#667085',
  '#7a2e0e',
  '#1d2939',
  '#84cc16',
  '#53b1fd',
];

const COMPACT = new Intl.NumberFormat('en', { notation: 'compact' });

/**
 * The count axis for a largest bar of `max`: a round top (1, 2 or 5 × a power of ten, at least
 * `max`) and the ticks from 0 to it, whole numbers only.
 */
export function countAxis(max: number): { top: number; ticks: number[] } {
  if (max <= 0) return { top: 1, ticks: [0, 1] };
  // About four steps: the smallest round step that reaches `max` in at most four.
  const power = 10 ** Math.floor(Math.log10(max / 4));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= max / 4) ?? 10 * power;
  const wholeStep = Math.max(1, Math.round(step));
  const top = Math.ceil(max / wholeStep) * wholeStep;
  return { top, ticks: Array.from({ length: top / wholeStep + 1 }, (_, i) => i * wholeStep) };
}

/**
 * Flags per day as stacked bars, one colour per category, on a count axis with each day's
 * total above its bar. `days` are UTC dates (YYYY-MM-DD), every day of the period.
 */
export function DailyFlagsChart({
  days,
  rows,
}: {
  days: string[];
  rows: { day: string; category: string; count: number }[];
}) {
  const label = useCategoryLabel();
  const { data: system } = useSystemInfo();
  const categories = [...new Set(rows.map((r) => r.category))];
  // A category keeps its colour from one period to the next: colours follow the category set's
  // order, then the order in which other (custom) categories appear.
  const known = system?.categories.map((c) => c.name) ?? [];
  const order = [...known, ...categories.filter((c) => !known.includes(c))];
  const color = (category: string) => PALETTE[order.indexOf(category) % PALETTE.length];
  const totals = days.map((day) =>
    rows.filter((r) => r.day === day).reduce((n, r) => n + r.count, 0),
  );
  const { top, ticks } = countAxis(Math.max(0, ...totals));
  const at = (count: number) => `${(100 * count) / top}%`;
  const summary = days
    .map((day, i) => `${day}: ${totals[i]}`)
    .filter((_, i) => totals[i] > 0)
    .join(', ');

  return (
    <figure className="day-chart">
      <div
        className="day-chart-body"
        role="img"
        aria-label={`Flags per day by category. ${summary || 'No flags.'}`}
      >
        <div className="y-axis" aria-hidden="true">
          {ticks.map((t) => (
            <span key={t} style={{ bottom: at(t) }}>
              {COMPACT.format(t)}
            </span>
          ))}
        </div>
        <div className="day-plot">
          {ticks.map((t) => (
            <div key={t} className="gridline" style={{ bottom: at(t) }} />
          ))}
          {days.map((day, i) => (
            <div key={day} className="day" title={`${day}: ${totals[i].toLocaleString()} flags`}>
              {totals[i] > 0 && (
                <span className="day-total" style={{ bottom: at(totals[i]) }}>
                  {totals[i] < 10_000 ? totals[i].toLocaleString() : COMPACT.format(totals[i])}
                </span>
              )}
              <div className="stack" style={{ height: at(totals[i]) }}>
                {rows
                  .filter((r) => r.day === day)
                  .map((r) => (
                    <div
                      key={r.category}
                      style={{ flexGrow: r.count, background: color(r.category) }}
                      title={`${day} · ${label(r.category)}: ${r.count.toLocaleString()}`}
                    />
                  ))}
              </div>
            </div>
          ))}
        </div>
        <div className="y-axis" />
        <div className="day-labels" aria-hidden="true">
          {days.map((day) => (
            <span key={day} className="small muted">
              <span className="month">{day.slice(5, 8)}</span>
              {day.slice(8)}
            </span>
          ))}
        </div>
      </div>
      <ul className="legend">
        {categories.map((c) => (
          <li key={c}>
            <span className="swatch" style={{ background: color(c) }} /> {label(c)}
          </li>
        ))}
      </ul>
    </figure>
  );
}
