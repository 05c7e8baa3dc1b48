import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { signInMethods } from '../api/auth';
import { onAnIpAddress, signWithSecurityKey } from '../api/webauthn';
import { queryKeys } from '../hooks/query-keys';
import { usePasskeyAutofill } from '../hooks/use-passkey-autofill';
import { useLogin, usePasskeyLogin, useSession } from '../hooks/use-session';

/** The 401s that ask for the second step (`security_key_required`: an app code is not enough). */
const asksForSecondStep = (error: unknown): error is ApiError =>
  error instanceof ApiError &&
  (error.code === 'second_factor_required' || error.code === 'security_key_required');

/**
 * What such a 401 hands out: a challenge for the account's security keys, and whether an app
 * code is taken (not where the role signs in with a key; a recovery code always is).
 */
function secondStep(error: unknown): {
  challenge: PublicKeyCredentialRequestOptionsJSON | null;
  appCode: boolean;
} | null {
  if (!asksForSecondStep(error)) return null;
  const details = error.details as {
    securityKey?: PublicKeyCredentialRequestOptionsJSON;
    appCode?: boolean;
  } | null;
  return { challenge: details?.securityKey ?? null, appCode: details?.appCode !== false };
}

export function LoginPage() {
  const [params] = useSearchParams();
  const session = useSession();
  const login = useLogin();
  const passkey = usePasskeyLogin();
  const methods = useQuery({ queryKey: queryKeys.signInMethods, queryFn: signInMethods });
  // Browsers offer passkeys on a name, never on an IP address.
  const offerPasskey = methods.data?.passkey === true && !onAnIpAddress();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  // Asked for once the api says the account has a second factor.
  const [code, setCode] = useState<string | null>(null);
  // The account has security keys: the challenge one of them may sign, good once.
  const [challenge, setChallenge] = useState<PublicKeyCredentialRequestOptionsJSON | null>(null);
  const [hasKeys, setHasKeys] = useState(false);
  // The account's role signs in with a key: the code field takes a recovery code only.
  const [keyOnly, setKeyOnly] = useState(false);
  const [keyError, setKeyError] = useState<string | null>(null);
  const [usingKey, setUsingKey] = useState(false);
  const next = params.get('next');
  // Only same-site paths: never bounce a fresh session to another origin.
  const target = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';

  // The e-mail field offers passkeys until a sign-in is under way or asks for its second step.
  usePasskeyAutofill(
    offerPasskey &&
      !session.data &&
      code === null &&
      !login.isPending &&
      !passkey.isPending &&
      !usingKey,
    passkey.mutate,
  );

  if (session.data) return <Navigate to={target} replace />;

  const onError = (error: Error) => {
    const asked = secondStep(error);
    // Every answer spends the challenge it signed; a new one comes with each 401 that asks.
    setChallenge(asked?.challenge ?? null);
    if (asked?.challenge) setHasKeys(true);
    if (asked) {
      setKeyOnly(!asked.appCode);
      setCode((current) => current ?? '');
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setKeyError(null);
    login.mutate({ email, password, code: code ?? undefined }, { onError });
  };

  /** Signs the challenge with a key; without a fresh one, asks for it first (the password alone). */
  const signInWithKey = async () => {
    setKeyError(null);
    setUsingKey(true);
    try {
      let options = challenge;
      if (!options) {
        options = await login
          .mutateAsync({ email, password })
          .then(() => null)
          .catch((error: Error) => secondStep(error)?.challenge ?? null);
        if (!options) return;
      }
      const securityKey = await signWithSecurityKey(options);
      setChallenge(null);
      login.mutate({ email, password, securityKey }, { onError });
    } catch (error) {
      setKeyError(error instanceof Error ? error.message : String(error));
    } finally {
      setUsingKey(false);
    }
  };

  // The first ask is said by the status line; a refused app code is an error worth showing.
  const askingForSecondFactor =
    login.error instanceof ApiError && login.error.code === 'second_factor_required';

  return (
    <section className="login">
      <form onSubmit={submit} className="login-form" aria-label="Sign in">
        <h1>Sign in to Sieve</h1>
        <label>
          E-mail
          <input
            type="email"
            autoComplete="username webauthn"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
            autoFocus
          />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {code !== null && (
          <p className="muted" role="status">
            {keyOnly
              ? 'This account signs in with a security key: use it. Lost it? Enter one of your recovery codes.'
              : hasKeys
                ? 'This account signs in in two steps: use your security key, or enter the 6 digits your authenticator app shows now, or one of your recovery codes.'
                : 'This account signs in in two steps: enter the 6 digits your authenticator app shows now, or one of your recovery codes.'}
          </p>
        )}
        {hasKeys && (
          <button
            type="button"
            className="primary"
            disabled={login.isPending || usingKey}
            onClick={() => void signInWithKey()}
          >
            {usingKey ? 'Waiting for your security key…' : 'Use your security key'}
          </button>
        )}
        {code !== null && (
          <label>
            {keyOnly ? 'Recovery code' : 'Code from your authenticator app, or a recovery code'}
            <input
              autoComplete="one-time-code"
              inputMode="text"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              required={!hasKeys}
              autoFocus={!hasKeys}
              maxLength={32}
            />
          </label>
        )}
        {keyError && (
          <p className="error" role="alert">
            {keyError}
          </p>
        )}
        {login.isError && !askingForSecondFactor && !keyError && (
          <p className="error" role="alert">
            {login.error.message}
          </p>
        )}
        <button
          type="submit"
          className={hasKeys ? undefined : 'primary'}
          disabled={login.isPending || usingKey}
        >
          {login.isPending
            ? 'Signing in…'
            : code !== null && keyOnly
              ? 'Sign in with the recovery code'
              : code !== null && hasKeys
                ? 'Sign in with the code'
                : 'Sign in'}
        </button>
      </form>
      {offerPasskey && (
        <div className="login-form passkey-sign-in">
          <p className="muted">
            Or without a password, with a passkey you added on your account page:
          </p>
          <button
            type="button"
            onClick={() => passkey.mutate()}
            disabled={passkey.isPending || login.isPending}
          >
            {passkey.isPending ? 'Waiting for your passkey…' : 'Use a passkey'}
          </button>
          {passkey.isError && (
            <p className="error" role="alert">
              {passkey.error.message}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
