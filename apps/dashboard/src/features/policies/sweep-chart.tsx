import type { SweepPoint } from '@sieve/moderation';
import { type MouseEvent, useState } from 'react';

const W = 240;
const H = 90;
/** Room for the axis labels. */
const LEFT = 26;
const BOTTOM = 14;
const PLOT_W = W - LEFT - 4;
const PLOT_H = H - BOTTOM - 4;

const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);

/**
 * Flag volume (bars), precision (solid) and recall (dashed) as the review threshold moves from
 * 0 to 1, with axes, the live (grey) and draft (dark) thresholds, and the values under the
 * pointer.
 */
export function SweepChart({
  curve,
  live,
  draft,
  label,
}: {
  curve: SweepPoint[];
  live: number | null;
  draft: number | null;
  label: string;
}) {
  const [hover, setHover] = useState<SweepPoint | null>(null);
  const maxVolume = Math.max(1, ...curve.map((p) => p.volume));
  const x = (t: number) => LEFT + t * PLOT_W;
  const y = (v: number) => 4 + PLOT_H - v * PLOT_H;
  const line = (pick: (p: SweepPoint) => number | null) =>
    curve
      .filter((p) => pick(p) !== null)
      .map(
        (p, i) =>
          `${i === 0 ? 'M' : 'L'}${x(p.threshold).toFixed(1)},${y(pick(p) as number).toFixed(1)}`,
      )
      .join(' ');
  const barWidth = PLOT_W / curve.length - 1;
  const onMove = (event: MouseEvent<SVGSVGElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const t = ((event.clientX - box.left) * (W / box.width) - LEFT) / PLOT_W;
    const nearest = curve.reduce<SweepPoint | null>(
      (best, p) =>
        best === null || Math.abs(p.threshold - t) < Math.abs(best.threshold - t) ? p : best,
      null,
    );
    setHover(nearest);
  };
  return (
    <figure className="sweep-figure">
      <svg
        className="sweep"
        viewBox={`0 0 ${W} ${H}`}
        width={W}
        height={H}
        role="img"
        aria-label={label}
        onMouseMove={onMove}
        onMouseLeave={() => setHover(null)}
      >
        {curve.map((p) => (
          <rect
            key={p.threshold}
            x={x(p.threshold) - barWidth / 2}
            y={y(p.volume / maxVolume)}
            width={barWidth}
            height={4 + PLOT_H - y(p.volume / maxVolume)}
            className="sweep-volume"
          />
        ))}
        <line x1={LEFT} x2={LEFT} y1={4} y2={4 + PLOT_H} className="sweep-axis" />
        <line x1={LEFT} x2={W - 4} y1={4 + PLOT_H} y2={4 + PLOT_H} className="sweep-axis" />
        <text x={LEFT - 3} y={8} className="sweep-tick" textAnchor="end">
          100%
        </text>
        <text x={LEFT - 3} y={4 + PLOT_H} className="sweep-tick" textAnchor="end">
          0
        </text>
        {[0, 0.5, 1].map((t) => (
          <text key={t} x={x(t)} y={H - 2} className="sweep-tick" textAnchor="middle">
            {t}
          </text>
        ))}
        <path d={line((p) => p.precision)} className="sweep-precision" />
        <path d={line((p) => p.recall)} className="sweep-recall" />
        {live !== null && (
          <line x1={x(live)} x2={x(live)} y1={4} y2={4 + PLOT_H} className="sweep-live" />
        )}
        {draft !== null && (
          <line x1={x(draft)} x2={x(draft)} y1={4} y2={4 + PLOT_H} className="sweep-draft" />
        )}
        {hover && (
          <line
            x1={x(hover.threshold)}
            x2={x(hover.threshold)}
            y1={4}
            y2={4 + PLOT_H}
            className="sweep-hover"
          />
        )}
      </svg>
      <figcaption className="sweep-values" aria-live="polite">
        {hover
          ? `at ${hover.threshold.toFixed(2)}: ${hover.volume.toLocaleString()} flagged · precision ${pct(hover.precision)} · recall ${pct(hover.recall)}`
          : ''}
      </figcaption>
    </figure>
  );
}
