import { useMutation, useQueryClient } from '@tanstack/react-query';
import { send } from '../api/client';
import { queryKeys } from '../hooks/query-keys';
import { type FormEvent, useState } from 'react';
import { changePassword, ROLE_LABELS, type User } from '../api/auth';
import { useSession } from '../hooks/use-session';

export function AccountPage() {
  const session = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const change = useMutation({
    mutationFn: () => changePassword(current, next),
    onSuccess: () => {
      setCurrent('');
      setNext('');
    },
  });
  const client = useQueryClient();
  const preferences = useMutation({
    mutationFn: (blurSensitive: boolean) =>
      send<User>('PATCH', '/auth/preferences', { blurSensitive }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.session }),
  });
  const user = session.data?.user;
  if (!user) return null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate();
  };

  return (
    <section>
      <h1>Your account</h1>
      <dl className="facts">
        <dt>Name</dt>
        <dd>{user.displayName}</dd>
        <dt>E-mail</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>{ROLE_LABELS[user.role]}</dd>
      </dl>
      <label className="toggle">
        <input
          type="checkbox"
          checked={user.preferences.blurSensitive}
          onChange={(e) => preferences.mutate(e.target.checked)}
        />
        Blur posts in sensitive categories until I reveal them
      </label>
      <form onSubmit={submit} className="stack-form" aria-label="Change password">
        <h2>Change password</h2>
        <label>
          Current password
          <input
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            required
          />
        </label>
        <label>
          New password (12 characters or more)
          <input
            type="password"
            autoComplete="new-password"
            minLength={12}
            value={next}
            onChange={(e) => setNext(e.target.value)}
            required
          />
        </label>
        {change.isError && (
          <p className="error" role="alert">
            {change.error.message}
          </p>
        )}
        {change.isSuccess && (
          <p role="status">Password changed. Your other sessions were signed out.</p>
        )}
        <button type="submit" className="primary" disabled={change.isPending}>
          Change password
        </button>
      </form>
    </section>
  );
}
