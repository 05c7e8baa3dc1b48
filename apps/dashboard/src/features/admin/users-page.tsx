import { type FormEvent, useState } from 'react';
import { ROLE_LABELS, type Role, type User } from '../../api/auth';
import { RoleOptions } from '../../components/role-options';
import { Link } from 'react-router-dom';
import {
  useCreateUser,
  useResetPassword,
  useResetSecondFactor,
  useUpdateUser,
  useUsers,
} from '../../hooks/use-admin';
import { useSession } from '../../hooks/use-session';
import { timeAgo } from '../../components/format';
import { useNow } from '../../hooks/use-now';

/** Beside "on": the security keys and passkeys that sign them in, if any. */
const keysOf = (user: User) =>
  user.securityKeys
    ? ` · ${user.securityKeys} security key${user.securityKeys === 1 ? '' : 's'}`
    : '';

export function UsersPage() {
  const users = useUsers();
  const create = useCreateUser();
  const update = useUpdateUser();
  const session = useSession();
  const now = useNow(30_000);
  // A role change waits for a confirmation, then says what happened.
  const [pending, setPending] = useState<{ user: User; role: Role } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const confirmRole = () => {
    if (!pending) return;
    const { user, role } = pending;
    update.mutate(
      { id: user.id, changes: { role } },
      {
        onSuccess: () => {
          setDone(
            `${user.displayName} is now ${ROLE_LABELS[role]}. Their sessions ended: they sign in again with the new role.`,
          );
          setPending(null);
        },
      },
    );
  };
  // Setting someone's password: for whom, then what (only in this form, never stored here).
  const reset = useResetPassword();
  const [resetFor, setResetFor] = useState<User | null>(null);
  const [newPassword, setNewPassword] = useState('');
  const [resetMustChange, setResetMustChange] = useState(true);
  const startReset = (user: User) => {
    setDone(null);
    reset.reset();
    setNewPassword('');
    setResetMustChange(true);
    setResetFor(user);
  };
  const confirmReset = (event: FormEvent) => {
    event.preventDefault();
    if (!resetFor) return;
    const user = resetFor;
    reset.mutate(
      { id: user.id, password: newPassword, mustChangePassword: resetMustChange },
      {
        onSuccess: () => {
          setDone(
            `${user.displayName} has a new password and was signed out everywhere. Give it to them through a channel you trust${
              resetMustChange
                ? ': when they sign in with it, Sieve asks them to choose their own before anything else.'
                : '.'
            }`,
          );
          setResetFor(null);
          setNewPassword('');
        },
      },
    );
  };
  // Removing someone's second factor (a lost phone), after asking.
  const removeSecondFactor = useResetSecondFactor();
  const [secondFactorOf, setSecondFactorOf] = useState<User | null>(null);
  const confirmRemoveSecondFactor = () => {
    if (!secondFactorOf) return;
    const user = secondFactorOf;
    removeSecondFactor.mutate(user.id, {
      onSuccess: () => {
        setDone(
          `${user.displayName}’s two-step sign-in was removed and they were signed out everywhere. They sign in with their password and can set up a new authenticator app.`,
        );
        setSecondFactorOf(null);
      },
    });
  };
  const [draft, setDraft] = useState({
    email: '',
    displayName: '',
    role: 'reviewer' as Role,
    password: '',
    mustChangePassword: true,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(draft, {
      onSuccess: () =>
        setDraft({
          email: '',
          displayName: '',
          role: 'reviewer',
          password: '',
          mustChangePassword: true,
        }),
    });
  };

  return (
    <section>
      <h1>Users</h1>
      {users.isError && (
        <p className="error" role="alert">
          {users.error.message}
        </p>
      )}
      {update.isError && (
        <p className="error" role="alert">
          {update.error.message}
        </p>
      )}
      {pending && (
        <div className="confirm" role="dialog" aria-label="Change the role">
          <p>
            Change {pending.user.displayName}’s role from {ROLE_LABELS[pending.user.role]} to{' '}
            <strong>{ROLE_LABELS[pending.role]}</strong>? They are signed out everywhere and sign in
            again with the new role.
          </p>
          <button className="primary" onClick={confirmRole} disabled={update.isPending}>
            Change role
          </button>
          <button className="link-button" onClick={() => setPending(null)}>
            Cancel
          </button>
        </div>
      )}
      {resetFor && (
        <form
          className="confirm"
          role="dialog"
          aria-label="Set a new password"
          onSubmit={confirmReset}
        >
          <p>
            Set a new password for <strong>{resetFor.displayName}</strong> ({resetFor.email})? They
            are signed out everywhere and sign in with the new one.
          </p>
          <label>
            New password (12 characters or more){' '}
            <input
              type="password"
              autoComplete="new-password"
              minLength={12}
              required
              value={newPassword}
              onChange={(e) => setNewPassword(e.target.value)}
            />
          </label>
          <label className="toggle">
            <input
              type="checkbox"
              checked={resetMustChange}
              onChange={(e) => setResetMustChange(e.target.checked)}
            />
            They choose their own password when they sign in with this one
          </label>
          {reset.isError && (
            <p className="error" role="alert">
              {reset.error.message}
            </p>
          )}
          <button type="submit" className="primary" disabled={reset.isPending}>
            Set password
          </button>
          <button type="button" className="link-button" onClick={() => setResetFor(null)}>
            Cancel
          </button>
        </form>
      )}
      {secondFactorOf && (
        <div className="confirm" role="dialog" aria-label="Remove two-step sign-in">
          <p>
            Remove <strong>{secondFactorOf.displayName}</strong>’s two-step sign-in (
            {secondFactorOf.email})? Do this only when you are sure it is them asking, for example
            after a lost phone. Their app and their security keys are removed; they are signed out
            everywhere and sign in with their password alone until they set up a new app.
          </p>
          {removeSecondFactor.isError && (
            <p className="error" role="alert">
              {removeSecondFactor.error.message}
            </p>
          )}
          <button
            className="primary"
            onClick={confirmRemoveSecondFactor}
            disabled={removeSecondFactor.isPending}
          >
            Remove
          </button>
          <button className="link-button" onClick={() => setSecondFactorOf(null)}>
            Cancel
          </button>
        </div>
      )}
      {done && (
        <p role="status" className="muted" data-testid="users-status">
          {done}
        </p>
      )}
      <table className="queue" data-testid="users">
        <thead>
          <tr>
            <th>Name</th>
            <th>E-mail</th>
            <th>Role</th>
            <th>Last sign-in</th>
            <th>Status</th>
            <th>Password</th>
            <th>Two-step sign-in</th>
          </tr>
        </thead>
        <tbody>
          {users.data?.map((user) => (
            <tr key={user.id}>
              <td>{user.displayName}</td>
              <td>{user.email}</td>
              <td>
                <select
                  aria-label={`Role of ${user.email}`}
                  value={pending?.user.id === user.id ? pending.role : user.role}
                  onChange={(e) => {
                    setDone(null);
                    setPending({ user, role: e.target.value as Role });
                  }}
                >
                  <RoleOptions />
                </select>
              </td>
              <td className="muted" title={user.lastSignInAt ?? undefined}>
                {user.lastSignInAt ? timeAgo(user.lastSignInAt, now) : 'never'}
              </td>
              <td>
                <button
                  className="link-button"
                  disabled={user.id === session.data?.user.id}
                  onClick={() =>
                    update.mutate({ id: user.id, changes: { disabled: !user.disabled } })
                  }
                >
                  {user.disabled ? 'Disabled — enable' : 'Active — disable'}
                </button>
              </td>
              <td>
                {user.mustChangePassword && (
                  <span className="muted">Set by an admin, to be changed at sign-in · </span>
                )}
                {user.id === session.data?.user.id ? (
                  <Link to="/account">Change yours</Link>
                ) : (
                  <button
                    className="link-button"
                    aria-label={`Set new password for ${user.email}`}
                    onClick={() => startReset(user)}
                  >
                    Set new password
                  </button>
                )}
              </td>
              <td>
                {!user.secondFactorEnabled ? (
                  <span className="muted">off</span>
                ) : user.id === session.data?.user.id ? (
                  <>on{keysOf(user)}</>
                ) : (
                  <>
                    on{keysOf(user)} ·{' '}
                    <button
                      className="link-button"
                      aria-label={`Remove two-step sign-in of ${user.email}`}
                      onClick={() => {
                        setDone(null);
                        removeSecondFactor.reset();
                        setSecondFactorOf(user);
                      }}
                    >
                      Remove
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <form onSubmit={submit} className="stack-form" aria-label="Add a user">
        <h2>Add a user</h2>
        <label>
          E-mail
          <input
            type="email"
            value={draft.email}
            onChange={(e) => setDraft({ ...draft, email: e.target.value })}
            required
          />
        </label>
        <label>
          Name
          <input
            value={draft.displayName}
            onChange={(e) => setDraft({ ...draft, displayName: e.target.value })}
            required
          />
        </label>
        <label>
          Role
          <select
            value={draft.role}
            onChange={(e) => setDraft({ ...draft, role: e.target.value as Role })}
          >
            <RoleOptions />
          </select>
        </label>
        <label>
          Initial password (12 characters or more)
          <input
            type="password"
            autoComplete="new-password"
            minLength={12}
            value={draft.password}
            onChange={(e) => setDraft({ ...draft, password: e.target.value })}
            required
          />
        </label>
        <label className="toggle">
          <input
            type="checkbox"
            checked={draft.mustChangePassword}
            onChange={(e) => setDraft({ ...draft, mustChangePassword: e.target.checked })}
          />
          They choose their own password when they first sign in
        </label>
        {create.isError && (
          <p className="error" role="alert">
            {create.error.message}
          </p>
        )}
        <button type="submit" className="primary" disabled={create.isPending}>
          Add user
        </button>
      </form>
    </section>
  );
}
