import type { PolicyVersionDto } from '@sieve/contracts';
import type { CategoryRule, Policy } from '@sieve/moderation';
import { useMemo, useState } from 'react';
import {
  type useBacktestData,
  useBacktestSamples,
  usePolicyActions,
} from '../../hooks/use-policies';
import { whatIf } from './what-if';

type Rules = Record<string, CategoryRule>;
type Overrides = Record<string, Rules>;

export const toPolicy = (
  v: PolicyVersionDto,
  rules = v.rules,
  overrides = v.overrides,
): Policy => ({
  version: v.version,
  categorySetId: v.categorySetId,
  rules,
  overrides,
  customCategories: v.customCategories,
  grayZone: v.grayZone,
  precedent: v.precedent,
});

/** A rule with some settings changed; `autoActionThreshold: undefined` stops it blocking. */
function patched(rule: CategoryRule, patch: Partial<CategoryRule>): CategoryRule {
  const next = { ...rule, ...patch };
  if ('autoActionThreshold' in patch && patch.autoActionThreshold === undefined)
    delete next.autoActionThreshold;
  return next;
}

/**
 * A draft being edited: its rules and per-source overrides (saved or not), what they would have
 * done on the backtest range next to the live version, and saving, sampling and publishing them.
 */
export function useDraftEditor(
  live: PolicyVersionDto,
  draft: PolicyVersionDto,
  range: { from: string; to: string },
  backtest: ReturnType<typeof useBacktestData>,
) {
  const actions = usePolicyActions();
  const samples = useBacktestSamples();
  const [rules, setRules] = useState<Rules>(draft.rules);
  const [overrides, setOverrides] = useState<Overrides>(draft.overrides);
  const [saved, setSaved] = useState(JSON.stringify([draft.rules, draft.overrides]));
  const dirty = JSON.stringify([rules, overrides]) !== saved;

  const livePolicy = useMemo(() => toPolicy(live), [live]);
  const candidate = useMemo(() => toPolicy(draft, rules, overrides), [draft, rules, overrides]);
  const figures = useMemo(
    () => (backtest.data ? whatIf(backtest.data, livePolicy, candidate) : null),
    [backtest.data, livePolicy, candidate],
  );
  const total = (pick: 'flagged' | 'auto', which: 'live' | 'draft') =>
    figures?.reduce((n, f) => n + f[which][pick], 0) ?? 0;

  const update = (category: string, patch: Partial<CategoryRule>) => {
    setRules((current) => ({ ...current, [category]: patched(current[category], patch) }));
    samples.reset();
  };
  const changeOverrides = (change: (current: Overrides) => Overrides) => {
    setOverrides(change);
    samples.reset();
  };
  /** Gives a source its own rule for a category, starting from the draft's rule for everyone. */
  const addOverride = (source: string, category: string) =>
    changeOverrides((current) => ({
      ...current,
      [source]: { ...current[source], [category]: current[source]?.[category] ?? rules[category] },
    }));
  const updateOverride = (source: string, category: string, patch: Partial<CategoryRule>) =>
    changeOverrides((current) => ({
      ...current,
      [source]: { ...current[source], [category]: patched(current[source][category], patch) },
    }));
  /** The source follows the draft's rule for the category again; a source left with none goes. */
  const removeOverride = (source: string, category: string) =>
    changeOverrides((current) => {
      const { [category]: _removed, ...rest } = current[source] ?? {};
      const { [source]: _source, ...others } = current;
      return Object.keys(rest).length > 0 ? { ...others, [source]: rest } : others;
    });

  const save = () =>
    actions.save
      .mutateAsync({ version: draft.version, input: { rules, overrides } })
      .then(() => setSaved(JSON.stringify([rules, overrides])));
  const showSamples = () => samples.mutate({ rules, overrides, ...range });
  const publish = async (note: string) => {
    if (dirty) await save();
    await actions.publish.mutateAsync({ version: draft.version, note });
  };

  return {
    rules,
    overrides,
    livePolicy,
    candidate,
    dirty,
    figures,
    total,
    update,
    addOverride,
    updateOverride,
    removeOverride,
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
