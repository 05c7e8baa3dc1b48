import { type FormEvent, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { useLogin, useSession } from '../hooks/use-session';

export function LoginPage() {
  const [params] = useSearchParams();
  const session = useSession();
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  // Asked for once the api says the account has a second factor.
  const [code, setCode] = useState<string | null>(null);
  const next = params.get('next');
  // Only same-site paths: never bounce a fresh session to another origin.
  const target = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';

  if (session.data) return <Navigate to={target} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate(
      { email, password, code: code ?? undefined },
      {
        onError: (error) => {
          if (error instanceof ApiError && error.code === 'second_factor_required') setCode('');
        },
      },
    );
  };
  const askingForCode =
    login.error instanceof ApiError && login.error.code === 'second_factor_required';

  return (
    <section className="login">
      <form onSubmit={submit} className="login-form" aria-label="Sign in">
        <h1>Sign in to Sieve</h1>
        <label>
          E-mail
          <input
            type="email"
            autoComplete="username"
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
            This account signs in in two steps: enter the 6 digits your authenticator app shows now,
            or one of your recovery codes.
          </p>
        )}
        {code !== null && (
          <label>
            Code from your authenticator app, or a recovery code
            <input
              autoComplete="one-time-code"
              inputMode="text"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              required
              autoFocus
              maxLength={32}
            />
          </label>
        )}
        {login.isError && !askingForCode && (
          <p className="error" role="alert">
            {login.error.message}
          </p>
        )}
        <button type="submit" className="primary" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
