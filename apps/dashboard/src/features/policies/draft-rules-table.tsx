import type { PolicyVersionDto } from '@sieve/contracts';
import type { CategoryRule } from '@sieve/moderation';
import { useCategoryLabel } from '../../hooks/use-system';
import { SweepChart } from './sweep-chart';
import { ThresholdInput } from './threshold-input';
import { change, percent, type whatIf } from './what-if';

type Figures = NonNullable<ReturnType<typeof whatIf>>;

/** The draft's rules, each beside what it would have flagged and how well, live → draft. */
export function DraftRulesTable({
  rules,
  live,
  figures,
  update,
}: {
  rules: Record<string, CategoryRule>;
  live: PolicyVersionDto;
  figures: Figures | null;
  update: (category: string, patch: Partial<CategoryRule>) => void;
}) {
  return (
    <div className="rules-table-wrap">
      <table className="rules-table editing">
        <thead>
          <tr>
            <th>Category</th>
            <th>Review at</th>
            <th>Block at</th>
            <th title="Events in the range at or over the review threshold">
              Flagged live → draft
            </th>
            <th title="Of the reviewed items the threshold flags, the share reviewers removed for this category">
              Precision live → draft
            </th>
            <th title="Of the reviewed items removed for this category, the share the threshold flags">
              Recall live → draft
            </th>
            <th>Sweep</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(rules).map(([category, rule]) => (
            <DraftRuleRow
              key={category}
              category={category}
              rule={rule}
              liveRule={live.rules[category]}
              figure={figures?.find((x) => x.category === category)}
              update={(patch) => update(category, patch)}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DraftRuleRow({
  category,
  rule,
  liveRule,
  figure: f,
  update,
}: {
  category: string;
  rule: CategoryRule;
  liveRule: CategoryRule | undefined;
  figure: Figures[number] | undefined;
  update: (patch: Partial<CategoryRule>) => void;
}) {
  const label = useCategoryLabel()(category);
  return (
    <tr className={rule.enabled ? '' : 'disabled-rule'} data-testid={`rule-${category}`}>
      <RuleSettingCells label={label} rule={rule} update={update} />
      <td className="num" data-testid={`flagged-${category}`}>
        {f ? (
          <>
            {f.live.flagged.toLocaleString()} → <strong>{f.draft.flagged.toLocaleString()}</strong>
            <span className="muted small"> {change(f.live.flagged, f.draft.flagged)}</span>
          </>
        ) : (
          '…'
        )}
      </td>
      <td className="num" data-testid={`precision-${category}`}>
        {f && (
          <>
            {percent(f.live.quality?.precision ?? null)} →{' '}
            <strong>{percent(f.draft.quality?.precision ?? null)}</strong>
          </>
        )}
      </td>
      <td className="num" data-testid={`recall-${category}`}>
        {f && (
          <>
            {percent(f.live.quality?.recall ?? null)} →{' '}
            <strong>{percent(f.draft.quality?.recall ?? null)}</strong>
          </>
        )}
      </td>
      <td>
        {f && (
          <SweepChart
            curve={f.curve}
            live={liveRule?.enabled ? liveRule.reviewThreshold : null}
            draft={rule.enabled ? rule.reviewThreshold : null}
            label={`${label}: flag volume, precision and recall by threshold`}
          />
        )}
      </td>
    </tr>
  );
}

/**
 * Three cells that edit one rule: whether it is enforced (beside `label`, the category), its
 * review threshold, and whether and where it blocks. Inputs are named by `name` (the category,
 * or the source and the category).
 */
export function RuleSettingCells({
  label,
  name = label,
  rule,
  update,
}: {
  label: string;
  name?: string;
  rule: CategoryRule;
  update: (patch: Partial<CategoryRule>) => void;
}) {
  return (
    <>
      <td>
        <label className="toggle">
          <input
            type="checkbox"
            checked={rule.enabled}
            aria-label={name === label ? undefined : `${name} enforced`}
            onChange={(e) => update({ enabled: e.target.checked })}
          />{' '}
          {label}
        </label>
      </td>
      <td>
        <ThresholdInput
          label={`${name} review threshold`}
          value={rule.reviewThreshold}
          disabled={!rule.enabled}
          onChange={(v) => update({ reviewThreshold: v })}
        />
      </td>
      <td>
        <label className="toggle small">
          <input
            type="checkbox"
            checked={rule.autoActionThreshold !== undefined}
            disabled={!rule.enabled}
            aria-label={`${name} blocks automatically`}
            onChange={(e) =>
              update({
                autoActionThreshold: e.target.checked
                  ? Math.max(rule.reviewThreshold, 0.9)
                  : undefined,
              })
            }
          />
        </label>
        {rule.autoActionThreshold !== undefined && (
          <ThresholdInput
            label={`${name} auto-action threshold`}
            value={rule.autoActionThreshold}
            disabled={!rule.enabled}
            onChange={(v) => update({ autoActionThreshold: v })}
          />
        )}
      </td>
    </>
  );
}
