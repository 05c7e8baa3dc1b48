import { useState } from 'react';
import { useAuditLog } from '../../hooks/use-admin';
import { auditChanges } from './audit-diff';

const shown = (value: unknown) =>
  value === undefined || value === null
    ? '—'
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

/**
 * What the entry changed, path by path (before → after). Entries are data from users (e-mails
 * tried, names): rendered as text only.
 */
function Changes({ before, after }: { before: unknown; after: unknown }) {
  const changes = auditChanges(before, after);
  if (changes.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="audit-changes">
      {changes.map((c) => (
        <li key={c.path}>
          <code>{c.path}</code> <span className="muted">{shown(c.before)}</span> →{' '}
          <strong>{shown(c.after)}</strong>
        </li>
      ))}
    </ul>
  );
}

export function AuditPage() {
  const [action, setAction] = useState('');
  const filters = action ? { action } : {};
  const audit = useAuditLog(filters);
  const entries = audit.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section>
      <header className="page-header">
        <h1>Audit log</h1>
        <div className="filters">
          <label>
            Action
            <select value={action} onChange={(e) => setAction(e.target.value)}>
              <option value="">All</option>
              <option value="auth">Sign-ins</option>
              <option value="auth.login_failed">Failed sign-ins</option>
              <option value="user">User changes</option>
              <option value="token">API tokens</option>
              <option value="retention">Retention runs</option>
              <option value="author.erased">Erasures</option>
            </select>
          </label>
        </div>
      </header>
      {audit.isError && (
        <p className="error" role="alert">
          {audit.error.message}
        </p>
      )}
      <table className="queue" data-testid="audit">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>Action</th>
            <th>Object</th>
            <th>From</th>
            <th>Changes</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td className="muted" title={e.at}>
                {new Date(e.at).toLocaleString()}
              </td>
              <td>{e.actorLabel}</td>
              <td>{e.action}</td>
              <td>{e.objectType ? `${e.objectType} ${e.objectId ?? ''}` : '—'}</td>
              <td>{e.ip ?? '—'}</td>
              <td>
                <Changes before={e.before} after={e.after} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {audit.hasNextPage && (
        <button
          className="more"
          onClick={() => void audit.fetchNextPage()}
          disabled={audit.isFetchingNextPage}
        >
          Older entries
        </button>
      )}
    </section>
  );
}
