import type { SweepPoint } from '@sieve/moderation';

const W = 220;
const H = 64;

/**
 * Flag volume (bars), precision (solid) and recall (dashed) as the review threshold moves from
 * 0 to 1, with the live (grey) and draft (dark) thresholds marked.
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
  const maxVolume = Math.max(1, ...curve.map((p) => p.volume));
  const x = (t: number) => t * W;
  const y = (v: number) => H - v * (H - 4) - 2;
  const line = (pick: (p: SweepPoint) => number | null) =>
    curve
      .filter((p) => pick(p) !== null)
      .map(
        (p, i) =>
          `${i === 0 ? 'M' : 'L'}${x(p.threshold).toFixed(1)},${y(pick(p) as number).toFixed(1)}`,
      )
      .join(' ');
  const barWidth = W / curve.length - 1;
  return (
    <svg
      className="sweep"
      viewBox={`0 0 ${W} ${H}`}
      width={W}
      height={H}
      role="img"
      aria-label={label}
    >
      {curve.map((p) => (
        <rect
          key={p.threshold}
          x={x(p.threshold) - barWidth / 2}
          y={y(p.volume / maxVolume)}
          width={barWidth}
          height={H - 2 - y(p.volume / maxVolume)}
          className="sweep-volume"
        />
      ))}
      <path d={line((p) => p.precision)} className="sweep-precision" />
      <path d={line((p) => p.recall)} className="sweep-recall" />
      {live !== null && <line x1={x(live)} x2={x(live)} y1={0} y2={H} className="sweep-live" />}
      {draft !== null && <line x1={x(draft)} x2={x(draft)} y1={0} y2={H} className="sweep-draft" />}
    </svg>
  );
}
