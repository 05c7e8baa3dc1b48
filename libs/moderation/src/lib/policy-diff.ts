import { type CustomCategory, customTarget } from './custom-policy';
import type { CategoryRule, Policy, PrecedentRule } from './policy';

/** `rule`: a custom category's wording (definition, examples) was added, changed or removed. */
export type RuleField =
  | 'enabled'
  | 'reviewThreshold'
  | 'autoActionThreshold'
  | 'rule'
  | 'mode'
  | 'grayZone'
  | 'precedent';

/** One setting that differs between two policy versions. */
export interface RuleChange {
  /** Undefined for the category's rule, a source for its override. */
  source?: string;
  category: string;
  field: RuleField;
  before: boolean | number | string | null;
  after: boolean | number | string | null;
}

/** The gray zone's row in a diff (it belongs to no category). */
export const GRAY_ZONE_ROW = '(gray zone)';
/** Deciding by precedent's row in a diff. */
export const PRECEDENT_ROW = '(precedent)';

/** A precedent rule in words, for a diff and the audit log; null when off. */
export function describePrecedent(rule: PrecedentRule | null | undefined): string | null {
  if (!rule) return null;
  return `${[...rule.actions].sort().join(' or ')} after ${rule.minDecided} alike at ≥ ${rule.minSimilarity.toFixed(2)}`;
}

const FIELDS = ['enabled', 'reviewThreshold', 'autoActionThreshold'] as const;

function ruleChanges(
  category: string,
  before: CategoryRule | undefined,
  after: CategoryRule | undefined,
  source?: string,
): RuleChange[] {
  return FIELDS.flatMap((field) => {
    const was = before?.[field] ?? null;
    const is = after?.[field] ?? null;
    return was === is
      ? []
      : [{ ...(source && { source }), category, field, before: was, after: is }];
  });
}

/** What changes from `before` to `after`, setting by setting: the diff a publisher reviews. */
export function diffPolicies(before: Policy, after: Policy): RuleChange[] {
  const categories = [...new Set([...Object.keys(before.rules), ...Object.keys(after.rules)])];
  const changes = categories.flatMap((c) => ruleChanges(c, before.rules[c], after.rules[c]));
  const sources = [
    ...new Set([...Object.keys(before.overrides ?? {}), ...Object.keys(after.overrides ?? {})]),
  ].sort();
  for (const source of sources) {
    const was = before.overrides?.[source] ?? {};
    const is = after.overrides?.[source] ?? {};
    for (const c of [...new Set([...Object.keys(was), ...Object.keys(is)])])
      changes.push(...ruleChanges(c, was[c], is[c], source));
  }
  changes.push(...customChanges(before.customCategories ?? [], after.customCategories ?? []));
  if ((before.grayZone ?? 0) !== (after.grayZone ?? 0))
    changes.push({
      category: GRAY_ZONE_ROW,
      field: 'grayZone',
      before: before.grayZone ?? 0,
      after: after.grayZone ?? 0,
    });
  const [was, is] = [describePrecedent(before.precedent), describePrecedent(after.precedent)];
  if (was !== is)
    changes.push({ category: PRECEDENT_ROW, field: 'precedent', before: was, after: is });
  return changes;
}

function customChanges(before: CustomCategory[], after: CustomCategory[]): RuleChange[] {
  const was = new Map(before.map((c) => [c.name, c]));
  const is = new Map(after.map((c) => [c.name, c]));
  const changes: RuleChange[] = [];
  for (const name of [...new Set([...was.keys(), ...is.keys()])]) {
    const b = was.get(name);
    const a = is.get(name);
    if (!b || !a) {
      changes.push({
        category: name,
        field: 'rule',
        before: b ? 'in force' : null,
        after: a ? 'added' : 'removed',
      });
      continue;
    }
    if (customTarget(b).version !== customTarget(a).version)
      changes.push({ category: name, field: 'rule', before: 'as live', after: 'reworded' });
    if (b.mode !== a.mode)
      changes.push({ category: name, field: 'mode', before: b.mode, after: a.mode });
    changes.push(...ruleChanges(name, b, a));
  }
  return changes;
}
