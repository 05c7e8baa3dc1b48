import type { PolicyVersionDto } from '@sieve/contracts';
import { useCategoryLabel } from '../../hooks/use-system';

/** A version's rules, read-only. */
export function RulesTable({ version }: { version: PolicyVersionDto }) {
  const label = useCategoryLabel();
  return (
    <table className="rules-table">
      <thead>
        <tr>
          <th>Category</th>
          <th>Review at</th>
          <th>Block at</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(version.rules).map(([category, rule]) => (
          <tr key={category}>
            <td>{label(category)}</td>
            <td className="num">{rule.enabled ? rule.reviewThreshold.toFixed(2) : 'off'}</td>
            <td className="num">
              {rule.enabled && rule.autoActionThreshold !== undefined
                ? rule.autoActionThreshold.toFixed(2)
                : '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
