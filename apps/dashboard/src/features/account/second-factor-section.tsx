import type { SessionDto } from '@sieve/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { disableSecondFactor, renewRecoveryCodes } from '../../api/auth';
import { queryKeys } from '../../hooks/query-keys';
import { RecoveryCodes } from './recovery-codes';
import { SecondFactorSetup } from './second-factor-setup';
import { SecurityKeysSection } from './security-keys-section';

/** Few enough to say so on the account page. */
const FEW_RECOVERY_CODES = 3;

/** The account page's two-step sign-in: set it up, or new recovery codes, or turn it off. */
export function SecondFactorSection({ session }: { session: SessionDto }) {
  const client = useQueryClient();
  const refresh = () => void client.invalidateQueries({ queryKey: queryKeys.session });
  const [action, setAction] = useState<'renew' | 'disable' | null>(null);
  const [password, setPassword] = useState('');
  const [renewed, setRenewed] = useState<string[] | null>(null);
  const done = () => {
    setAction(null);
    setPassword('');
  };
  const renew = useMutation({
    mutationFn: () => renewRecoveryCodes(password),
    onSuccess: (answer) => {
      setRenewed(answer.recoveryCodes);
      done();
    },
  });
  const disable = useMutation({
    mutationFn: () => disableSecondFactor(password),
    onSuccess: () => {
      done();
      refresh();
    },
  });
  const pending = action === 'renew' ? renew : disable;
  const confirm = (event: FormEvent) => {
    event.preventDefault();
    pending.mutate();
  };
  const left = session.recoveryCodesLeft ?? 0;

  return (
    <section className="second-factor" aria-label="Two-step sign-in">
      <h2>Two-step sign-in</h2>
      {!session.user.secondFactorEnabled ? (
        <SecondFactorSetup
          intro={
            <p className="muted">
              Off: your password alone signs you in. With an authenticator app, signing in also
              takes the code it shows, so a leaked password is not enough.
            </p>
          }
          onDone={refresh}
        />
      ) : renewed ? (
        <RecoveryCodes
          codes={renewed}
          onSaved={() => {
            setRenewed(null);
            refresh();
          }}
        />
      ) : (
        <>
          <p>
            <strong>On:</strong> signing in takes the code from your authenticator app, or one of
            your security keys.{' '}
            <span className={left <= FEW_RECOVERY_CODES ? 'warning-text' : 'muted'}>
              {left} recovery code{left === 1 ? '' : 's'} left
              {left <= FEW_RECOVERY_CODES ? ': make new ones before you run out.' : '.'}
            </span>
          </p>
          {action ? (
            <form
              className="inline-form"
              aria-label={action === 'renew' ? 'New recovery codes' : 'Turn off two-step sign-in'}
              onSubmit={confirm}
            >
              <label>
                Your password{' '}
                <input
                  type="password"
                  autoComplete="current-password"
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                  required
                  autoFocus
                />
              </label>{' '}
              <button type="submit" className="primary" disabled={pending.isPending}>
                {action === 'renew' ? 'Make new recovery codes' : 'Turn off'}
              </button>
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  done();
                  pending.reset();
                }}
              >
                Cancel
              </button>
              {pending.isError && (
                <p className="error" role="alert">
                  {pending.error.message}
                </p>
              )}
            </form>
          ) : (
            <p>
              <button type="button" className="link-button" onClick={() => setAction('renew')}>
                New recovery codes
              </button>{' '}
              ·{' '}
              <button type="button" className="link-button" onClick={() => setAction('disable')}>
                Turn off two-step sign-in
              </button>
            </p>
          )}
          <SecurityKeysSection />
        </>
      )}
    </section>
  );
}
