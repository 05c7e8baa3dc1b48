import type { PolicyVersionDto } from '@sieve/contracts';
import { describePrecedent, type PrecedentRule } from '@sieve/moderation';
import { useState } from 'react';
import { usePolicyActions } from '../../hooks/use-policies';

const START: PrecedentRule = { actions: ['remove'], minDecided: 3, minSimilarity: 0.9 };

/**
 * The policy's precedent rule (docs/waves.md): new flags that are near-copies of posts reviewers
 * decided alike several times are decided that way by Sieve, without a reviewer.
 */
export function PrecedentSetting({
  version,
  editable,
}: {
  version: PolicyVersionDto;
  editable: boolean;
}) {
  const actions = usePolicyActions();
  const [on, setOn] = useState(version.precedent !== null);
  const [rule, setRule] = useState<PrecedentRule>(version.precedent ?? START);
  const saved = version.precedent;
  const next = on ? rule : null;
  const dirty = describePrecedent(next) !== describePrecedent(saved);
  const valid =
    !on ||
    (rule.actions.length > 0 &&
      Number.isInteger(rule.minDecided) &&
      rule.minDecided >= 2 &&
      rule.minDecided <= 100 &&
      rule.minSimilarity >= 0.5 &&
      rule.minSimilarity <= 1);

  if (!editable)
    return (
      <section className="panel precedent-setting" data-testid="precedent-setting">
        <h2>Deciding by precedent</h2>
        <p className="muted small">
          {saved
            ? `Sieve decides new flags itself when at least ${saved.minDecided} posts at least ${Math.round(saved.minSimilarity * 100)}% alike were all ${saved.actions.map((a) => (a === 'remove' ? 'removed' : 'approved')).join(' or ')} by reviewers.`
            : 'Off: every flag waits for a reviewer, however many near-copies were decided.'}
        </p>
      </section>
    );

  const toggle = (action: 'approve' | 'remove', checked: boolean) =>
    setRule({
      ...rule,
      actions: checked
        ? [...new Set([...rule.actions, action])]
        : rule.actions.filter((a) => a !== action),
    });
  return (
    <section className="panel precedent-setting" data-testid="precedent-setting">
      <h2>Deciding by precedent</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void actions.save.mutateAsync({
            version: version.version,
            input: { rules: version.rules, overrides: version.overrides, precedent: next },
          });
        }}
      >
        <label>
          <input type="checkbox" checked={on} onChange={(e) => setOn(e.target.checked)} /> Decide
          near-copies of decided posts automatically
        </label>
        {on && (
          <fieldset className="precedent-rule" aria-label="Precedent rule">
            <p className="muted small">
              A new flag is decided without a reviewer when at least this many posts, each at least
              this alike (cosine of their text vectors), were all decided the same way by reviewers,
              and that way is ticked here. Sieve&apos;s own decisions never count, so one reviewer
              approving a near post stops it.
            </p>
            {(['remove', 'approve'] as const).map((action) => (
              <label key={action}>
                <input
                  type="checkbox"
                  checked={rule.actions.includes(action)}
                  onChange={(e) => toggle(action, e.target.checked)}
                />{' '}
                {action}
              </label>
            ))}{' '}
            <label>
              after{' '}
              <input
                type="number"
                min={2}
                max={100}
                step={1}
                value={rule.minDecided}
                aria-label="Decided posts needed"
                onChange={(e) => setRule({ ...rule, minDecided: Number(e.target.value) })}
              />{' '}
              posts
            </label>{' '}
            <label>
              at least{' '}
              <input
                type="number"
                min={0.5}
                max={1}
                step={0.01}
                value={rule.minSimilarity}
                aria-label="Similarity needed"
                onChange={(e) => setRule({ ...rule, minSimilarity: Number(e.target.value) })}
              />{' '}
              alike
            </label>
          </fieldset>
        )}
        <button type="submit" disabled={!dirty || !valid || actions.save.isPending}>
          Save
        </button>
        {!valid && (
          <p className="error" role="alert">
            Tick at least one action; 2–100 posts; alike from 0.50 to 1.
          </p>
        )}
        {actions.save.error && (
          <p className="error" role="alert">
            {actions.save.error.message}
          </p>
        )}
      </form>
    </section>
  );
}
