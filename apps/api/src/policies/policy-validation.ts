import { UnprocessableEntityException } from '@nestjs/common';
import {
  assertValidPolicy,
  categorySetById,
  type CategoryRule,
  customCategoryProblems,
  type Policy,
} from '@sieve/moderation';

/**
 * Every category of the policy's set has a rule, no unknown category, thresholds consistent,
 * custom categories well-formed (names, safe patterns, a pre-filter); otherwise a 422 naming each
 * field.
 */
export function assertValidForItsSet(policy: Policy): void {
  const known = new Set(categorySetById(policy.categorySetId).categories.map((c) => c.name));
  const problems: { field: string; errors: string[] }[] = [];
  for (const name of known)
    if (!policy.rules[name]) problems.push({ field: `rules.${name}`, errors: ['missing'] });
  const check = (field: string, rules: Record<string, CategoryRule>) => {
    for (const name of Object.keys(rules))
      if (!known.has(name))
        problems.push({ field: `${field}.${name}`, errors: ['not a category of this set'] });
  };
  check('rules', policy.rules);
  for (const [source, rules] of Object.entries(policy.overrides ?? {}))
    check(`overrides.${source}`, rules);
  problems.push(...customCategoryProblems(policy, known));
  try {
    assertValidPolicy(policy);
  } catch (error) {
    problems.push({ field: 'rules', errors: [(error as Error).message] });
  }
  if (problems.length > 0)
    throw new UnprocessableEntityException({ message: 'Invalid policy', details: problems });
}
