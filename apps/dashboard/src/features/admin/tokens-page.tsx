import { type FormEvent, useState } from 'react';
import { ROLE_LABELS, type Role } from '../../api/auth';
import { RoleOptions } from '../../components/role-options';
import type { ApiToken } from '../../api/tokens';
import { timeAgo } from '../../components/format';
import { useCreateToken, useRevokeToken, useTokens } from '../../hooks/use-admin';

const LIFETIMES = [30, 90, 365] as const;
const DAY_MS = 24 * 3600 * 1000;

function tokenState(token: ApiToken): string {
  if (token.revokedAt) return `revoked ${timeAgo(token.revokedAt)}`;
  if (token.expiresAt && Date.parse(token.expiresAt) <= Date.now()) return 'expired';
  if (token.suspended === 'creator_disabled') return 'suspended: its creator is disabled';
  return 'active';
}

/** API tokens for platform scripts: created with a role and an expiry, shown once, revocable. */
export function TokensPage() {
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const [draft, setDraft] = useState({ name: '', role: 'viewer' as Role, days: 90 });
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        name: draft.name.trim(),
        role: draft.role,
        expiresAt: new Date(Date.now() + draft.days * DAY_MS).toISOString(),
      },
      { onSuccess: () => setDraft({ name: '', role: 'viewer', days: 90 }) },
    );
  };

  return (
    <section>
      <h1>API tokens</h1>
      <p className="muted">
        For platform scripts and integrations: a token acts with its role (never more than yours),
        shows in review history as “API token: its name”, cannot manage users or tokens, and stops
        when it expires, is revoked, or you are disabled.
      </p>
      {tokens.isError && (
        <p className="error" role="alert">
          {tokens.error.message}
        </p>
      )}
      {create.data && (
        <div className="new-token" role="status" data-testid="new-token">
          <p>
            <strong>Copy the token for “{create.data.name}” now:</strong> Sieve keeps only its hash
            and cannot show it again.
          </p>
          <code className="secret">{create.data.token}</code>
        </div>
      )}
      <table className="queue" data-testid="tokens">
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>Created</th>
            <th>Expires</th>
            <th>Last used</th>
            <th>State</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.data?.map((token) => (
            <tr key={token.id}>
              <td>{token.name}</td>
              <td>{ROLE_LABELS[token.role]}</td>
              <td title={token.createdAt}>{timeAgo(token.createdAt)}</td>
              <td title={token.expiresAt ?? ''}>
                {token.expiresAt ? new Date(token.expiresAt).toLocaleDateString() : 'never'}
              </td>
              <td title={token.lastUsedAt ?? ''}>
                {token.lastUsedAt ? timeAgo(token.lastUsedAt) : 'never'}
              </td>
              <td>{tokenState(token)}</td>
              <td>
                {!token.revokedAt && (
                  <button className="link-button" onClick={() => setRevoking(token)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {revoking && (
        <div className="confirm" role="dialog" aria-label="Revoke the token">
          <p>
            Revoke “{revoking.name}”? Every script using it is refused from the next request on.
            This cannot be undone.
          </p>
          <button
            className="primary"
            disabled={revoke.isPending}
            onClick={() => revoke.mutate(revoking.id, { onSuccess: () => setRevoking(null) })}
          >
            Revoke
          </button>
          <button className="link-button" onClick={() => setRevoking(null)}>
            Cancel
          </button>
        </div>
      )}
      {(create.error ?? revoke.error) && (
        <p className="error" role="alert">
          {(create.error ?? revoke.error)?.message}
        </p>
      )}
      <form onSubmit={submit} className="stack-form" aria-label="Create a token">
        <h2>Create a token</h2>
        <label>
          Name (what uses it)
          <input
            value={draft.name}
            maxLength={100}
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
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
          Expires after
          <select
            value={draft.days}
            onChange={(e) => setDraft({ ...draft, days: Number(e.target.value) })}
          >
            {LIFETIMES.map((d) => (
              <option key={d} value={d}>
                {d} days
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={create.isPending}>
          Create token
        </button>
      </form>
    </section>
  );
}
