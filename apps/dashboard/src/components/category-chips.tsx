import type { TriggeredCategory } from '@sieve/moderation';
import { useCategoryLabel } from '../hooks/use-system';
import { percent } from './format';

export function CategoryChips({
  triggered,
  max = 3,
}: {
  triggered: TriggeredCategory[];
  max?: number;
}) {
  const label = useCategoryLabel();
  const shown = triggered.slice(0, max);
  return (
    <span className="chips">
      {shown.map((t) => (
        <span
          key={t.category}
          className={`chip chip-${t.action}`}
          title={`${t.category}: ${t.score} ≥ ${t.threshold}`}
        >
          {label(t.category)} <b>{percent(t.score)}</b>
        </span>
      ))}
      {triggered.length > max && <span className="chip chip-more">+{triggered.length - max}</span>}
    </span>
  );
}
