import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import {
  addSecurityKey,
  listSecurityKeys,
  removeSecurityKey,
  securityKeyOptions,
} from '../../api/auth';
import { timeAgo } from '../../components/format';
import { queryKeys } from '../../hooks/query-keys';
import { useNow } from '../../hooks/use-now';
import { makeSecurityKey, onAnIpAddress } from '../../api/webauthn';

/**
 * Security keys and passkeys beside the authenticator app: at sign-in one touch of a key in
 * place of typing a code, and unlike a code it cannot be phished on another site; a passkey
 * signs in alone. Shown once the app is set up; turning two-step sign-in off removes them too.
 */
export function SecurityKeysSection({ onAdded }: { onAdded?: () => void } = {}) {
  const client = useQueryClient();
  const now = useNow(30_000);
  const keys = useQuery({ queryKey: queryKeys.securityKeys, queryFn: listSecurityKeys });
  const refresh = () => void client.invalidateQueries({ queryKey: queryKeys.securityKeys });
  const [name, setName] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: async (keyName: string) =>
      addSecurityKey(keyName, await makeSecurityKey(await securityKeyOptions())),
    onSuccess: (key) => {
      setName('');
      setDone(`“${key.name}” added: it signs you in from now on.`);
      refresh();
      onAdded?.();
    },
  });
  const remove = useMutation({
    mutationFn: (key: { id: string; name: string }) => removeSecurityKey(key.id).then(() => key),
    onSuccess: (key) => {
      setDone(`“${key.name}” removed: it no longer signs you in.`);
      refresh();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    add.mutate(name.trim());
  };
  const error = keys.error ?? add.error ?? remove.error;
  const list = keys.data?.keys ?? [];

  return (
    <section className="security-keys" aria-label="Security keys">
      <h3>Security keys and passkeys</h3>
      <p className="muted">
        A security key (or a passkey on your phone or computer) signs you in with one touch instead
        of a code, and only on this site: a look-alike page cannot use it. One that unlocks with
        your fingerprint, face or PIN also signs you in without your password (“Use a passkey”).
      </p>
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
      {list.length > 0 && (
        <table className="queue" data-testid="security-keys">
          <thead>
            <tr>
              <th>Name</th>
              <th>Added</th>
              <th>Last used</th>
              <th>
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((key) => (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td title={key.createdAt}>{timeAgo(key.createdAt, now)}</td>
                <td title={key.lastUsedAt ?? undefined}>
                  {key.lastUsedAt ? timeAgo(key.lastUsedAt, now) : 'never'}
                </td>
                <td>
                  <button
                    type="button"
                    className="link-button"
                    aria-label={`Remove ${key.name}`}
                    disabled={remove.isPending}
                    onClick={() => {
                      setDone(null);
                      remove.mutate(key);
                    }}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {done && (
        <p role="status" className="muted">
          {done}
        </p>
      )}
      {keys.data && !keys.data.available ? (
        <p className="muted">
          This server takes no security keys yet: an operator sets WEBAUTHN_ORIGINS to the address
          the dashboard is served at.
        </p>
      ) : onAnIpAddress() ? (
        <p className="muted">
          Browsers offer security keys only on a site&apos;s name: open the dashboard at its name
          (such as localhost) rather than an IP address to add one.
        </p>
      ) : (
        keys.data && (
          <form className="inline-form" aria-label="Add a security key" onSubmit={submit}>
            <label>
              Name it{' '}
              <input
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder="Blue USB key"
                maxLength={60}
                required
              />
            </label>{' '}
            <button type="submit" className="primary" disabled={add.isPending || !name.trim()}>
              {add.isPending ? 'Touch your key…' : 'Add a security key'}
            </button>
          </form>
        )
      )}
    </section>
  );
}
