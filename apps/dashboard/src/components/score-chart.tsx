import type { CategoryRule, CategoryScores } from '@sieve/moderation';
import { useCategoryLabel } from '../hooks/use-system';
import { percent } from './format';

/** Every category's score as a bar, with its review (and auto-action) threshold marked. */
export function ScoreChart({
  scores,
  thresholds,
}: {
  scores: CategoryScores;
  thresholds: Record<string, CategoryRule>;
}) {
  const label = useCategoryLabel();
  const rows = Object.entries(scores).sort(([, a], [, b]) => b - a);
  return (
    <table className="score-chart" aria-label="Category scores against thresholds">
      <tbody>
        {rows.map(([category, score]) => {
          const rule = thresholds[category];
          const over = rule?.enabled && score >= rule.reviewThreshold;
          return (
            <tr key={category} data-category={category}>
              <th scope="row">{label(category)}</th>
              <td className="bar-cell">
                <div className="bar-track">
                  <div
                    className={`bar ${over ? 'bar-over' : ''}`}
                    style={{ width: percent(score) }}
                  />
                  {rule?.enabled && (
                    <div
                      className="tick tick-review"
                      style={{ left: percent(rule.reviewThreshold) }}
                      title={`review at ${rule.reviewThreshold}`}
                    />
                  )}
                  {rule?.enabled && rule.autoActionThreshold !== undefined && (
                    <div
                      className="tick tick-block"
                      style={{ left: percent(rule.autoActionThreshold) }}
                      title={`block at ${rule.autoActionThreshold}`}
                    />
                  )}
                </div>
              </td>
              <td className="num">{percent(score)}</td>
              <td className="num muted">
                {rule ? (rule.enabled ? `≥ ${percent(rule.reviewThreshold)}` : 'off') : '—'}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
