import type { PolicyVersionDto } from '@sieve/contracts';
import type { CategoryRule } from '@sieve/moderation';
import { useCategoryLabel } from '../../hooks/use-system';

function Thresholds({ rule }: { rule: CategoryRule }) {
  return (
    <>
      <td className="num">{rule.enabled ? rule.reviewThreshold.toFixed(2) : 'off'}</td>
      <td className="num">
        {rule.enabled && rule.autoActionThreshold !== undefined
          ? rule.autoActionThreshold.toFixed(2)
          : '—'}
      </td>
    </>
  );
}

/** A version's rules, read-only, and the rules it replaces them with for some sources. */
export function RulesTable({ version }: { version: PolicyVersionDto }) {
  const label = useCategoryLabel();
  return (
    <>
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
              <Thresholds rule={rule} />
            </tr>
          ))}
        </tbody>
      </table>
      <OverridesTable version={version} />
    </>
  );
}

/** The rules a version applies instead of its own to events from some sources; none: nothing. */
export function OverridesTable({ version }: { version: PolicyVersionDto }) {
  const label = useCategoryLabel();
  const overrides = Object.entries(version.overrides).flatMap(([source, rules]) =>
    Object.entries(rules).map(([category, rule]) => ({ source, category, rule })),
  );
  if (overrides.length === 0) return null;
  return (
    <table className="rules-table" data-testid="rules-overrides">
      <caption>For events from these sources, instead</caption>
      <thead>
        <tr>
          <th>Source</th>
          <th>Category</th>
          <th className="num">Review at</th>
          <th className="num">Block at</th>
        </tr>
      </thead>
      <tbody>
        {overrides.map(({ source, category, rule }) => (
          <tr key={`${source}:${category}`}>
            <td>{source}</td>
            <td>{label(category)}</td>
            <Thresholds rule={rule} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
