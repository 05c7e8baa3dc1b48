import type { PolicyVersionDto } from '@sieve/contracts';
import type { CategoryRule, Policy } from '@sieve/moderation';
import { useMemo, useState } from 'react';
import {
  type useBacktestData,
  useBacktestSamples,
  usePolicyActions,
} from '../../hooks/use-policies';
import { whatIf } from './what-if';

export const toPolicy = (v: PolicyVersionDto, rules = v.rules): Policy => ({
  version: v.version,
  categorySetId: v.categorySetId,
  rules,
  overrides: v.overrides,
  customCategories: v.customCategories,
  grayZone: v.grayZone,
  precedent: v.precedent,
});

/**
 * A draft being edited: its rules (saved or not), what they would have done on the backtest
 * range next to the live version, and saving, sampling and publishing them.
 */
export function useDraftEditor(
  live: PolicyVersionDto,
  draft: PolicyVersionDto,
  range: { from: string; to: string },
  backtest: ReturnType<typeof useBacktestData>,
) {
  const actions = usePolicyActions();
  const samples = useBacktestSamples();
  const [rules, setRules] = useState<Record<string, CategoryRule>>(draft.rules);
  const [saved, setSaved] = useState(JSON.stringify(draft.rules));
  const dirty = JSON.stringify(rules) !== saved;

  const figures = useMemo(
    () => (backtest.data ? whatIf(backtest.data, toPolicy(live), toPolicy(draft, rules)) : null),
    [backtest.data, live, draft, rules],
  );
  const total = (pick: 'flagged' | 'auto', which: 'live' | 'draft') =>
    figures?.reduce((n, f) => n + f[which][pick], 0) ?? 0;

  const update = (category: string, patch: Partial<CategoryRule>) => {
    setRules((current) => {
      const next = { ...current[category], ...patch };
      if ('autoActionThreshold' in patch && patch.autoActionThreshold === undefined)
        delete next.autoActionThreshold;
      return { ...current, [category]: next };
    });
    samples.reset();
  };
  const save = () =>
    actions.save
      .mutateAsync({ version: draft.version, input: { rules, overrides: draft.overrides } })
      .then(() => setSaved(JSON.stringify(rules)));
  const showSamples = () => samples.mutate({ rules, overrides: draft.overrides, ...range });
  const publish = async (note: string) => {
    if (dirty) await save();
    await actions.publish.mutateAsync({ version: draft.version, note });
  };

  return {
    rules,
    dirty,
    figures,
    total,
    update,
    save,
    saving: actions.save.isPending,
    publish,
    publishing: actions.publish.isPending,
    discard: () => actions.discard.mutate(draft.version),
    discarding: actions.discard.isPending,
    error: actions.save.error ?? actions.publish.error ?? actions.discard.error,
    showSamples,
    samples,
  };
}
