import type { SecondFactorSetupDto } from '@sieve/contracts';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { beginSecondFactor, enableSecondFactor } from '../../api/auth';
import { RecoveryCodes } from './recovery-codes';

/**
 * Setting up an authenticator app: scan the QR code (or type the key), enter the code it shows,
 * then save the recovery codes. `intro` is shown until it is on; `onDone` runs once the codes are
 * saved.
 */
export function SecondFactorSetup({ intro, onDone }: { intro?: ReactNode; onDone: () => void }) {
  const [setup, setSetup] = useState<SecondFactorSetupDto | null>(null);
  const [code, setCode] = useState('');
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const begin = useMutation({ mutationFn: beginSecondFactor, onSuccess: setSetup });
  const enable = useMutation({
    mutationFn: () => enableSecondFactor(code),
    onSuccess: (answer) => setRecoveryCodes(answer.recoveryCodes),
  });

  if (recoveryCodes) return <RecoveryCodes codes={recoveryCodes} onSaved={onDone} />;
  if (!setup)
    return (
      <div>
        {intro}
        {begin.isError && (
          <p className="error" role="alert">
            {begin.error.message}
          </p>
        )}
        <button
          type="button"
          className="primary"
          disabled={begin.isPending}
          onClick={() => begin.mutate()}
        >
          Set up an authenticator app
        </button>
      </div>
    );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    enable.mutate();
  };
  return (
    <form
      className="second-factor-setup"
      aria-label="Set up an authenticator app"
      onSubmit={submit}
    >
      <p>
        1. Scan this code with an authenticator app (Google Authenticator, Microsoft Authenticator,
        1Password, Aegis…).
      </p>
      <img
        className="qr-code"
        src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qrCodeSvg)}`}
        alt="QR code for your authenticator app"
        width={180}
        height={180}
      />
      <p className="muted">
        Or type this key into the app: <code data-testid="second-factor-key">{setup.secret}</code>
      </p>
      <label>
        2. The 6-digit code the app shows
        <input
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]{6,7}"
          maxLength={7}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          required
        />
      </label>
      {enable.isError && (
        <p className="error" role="alert">
          {enable.error.message}
        </p>
      )}
      <button type="submit" className="primary" disabled={enable.isPending}>
        Turn on two-step sign-in
      </button>
    </form>
  );
}
