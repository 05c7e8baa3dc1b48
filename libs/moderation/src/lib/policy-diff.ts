import type { CategoryRule, Policy } from './policy';

export type RuleField = 'enabled' | 'reviewThreshold' | 'autoActionThreshold';

/** One setting that differs between two policy versions. */
export interface RuleChange {
  /** Undefined for the category's rule, a source for its override. */
  source?: string;
  category: string;
  field: RuleField;
  before: boolean | number | null;
  after: boolean | number | null;
}

const FIELDS: RuleField[] = ['enabled', 'reviewThreshold', 'autoActionThreshold'];

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
  return changes;
}
