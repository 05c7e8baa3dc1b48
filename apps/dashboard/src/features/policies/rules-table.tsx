import type { PolicyVersionDto } from '@sieve/contracts';
import { useCategoryLabel } from '../../hooks/use-system';

/** A version's rules, read-only. */
export function RulesTable({ version }: { version: PolicyVersionDto }) {
  const label = useCategoryLabel();
  return (
    <table className="rules-table" data-testid="rules-table">
      <caption>
        {version.live ? 'Live rules' : 'Rules'}, version {version.version}
      </caption>
      <thead>
        <tr>
          <th>Category</th>
          <th className="num">Review at</th>
          <th className="num">Block at</th>
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
