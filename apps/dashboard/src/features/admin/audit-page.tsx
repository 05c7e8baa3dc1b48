import type { AuditEntryDto } from '@sieve/contracts';
import { Link } from 'react-router-dom';
import { useAuditLog, useUsers } from '../../hooks/use-admin';
import { auditChanges, auditDetails } from './audit-diff';
import { ACTION_GROUPS, toAuditFilters, useAuditView } from './audit-filters';

const shown = (value: unknown) =>
  value === undefined || value === null
    ? '—'
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

/**
 * What the entry changed, path by path (before → after), then its details. Entries are data
 * from users (e-mails tried, names, reasons): rendered as text only.
 */
function Changes({ entry }: { entry: AuditEntryDto }) {
  const changes = auditChanges(entry.before, entry.after);
  const details = auditDetails(entry.details);
  if (changes.length === 0 && details.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="audit-changes">
      {changes.map((c) => (
        <li key={c.path}>
          <code>{c.path}</code> <span className="muted">{shown(c.before)}</span> →{' '}
          <strong>{shown(c.after)}</strong>
        </li>
      ))}
      {details.map(([path, value]) => (
        <li key={`details:${path}`}>
          <code>{path}</code> <span className="muted">{shown(value)}</span>
        </li>
      ))}
    </ul>
  );
}

/** An entry's object in words, linked to its page where it has one. */
function ObjectName({
  type,
  id,
  userName,
}: {
  type: string;
  id: string | null;
  userName: (id: string) => string | undefined;
}) {
  if (id === null) return type;
  if (type === 'flag') return <Link to={`/flags/${id}`}>flag {id.slice(0, 8)}</Link>;
  if (type === 'wave') return <Link to={`/waves/${id}`}>wave {id.slice(0, 8)}</Link>;
  if (type === 'policy') return <>policy version {id}</>;
  if (type === 'user') return <>user {userName(id) ?? id}</>;
  return (
    <>
      {type.replace(/_/g, ' ')} {id}
    </>
  );
}

/** The append-only audit log, newest first, filtered by what, who, which object and when. */
export function AuditPage() {
  const { view, change } = useAuditView();
  const audit = useAuditLog(toAuditFilters(view));
  const users = useUsers();
  const entries = audit.data?.pages.flatMap((p) => p.items) ?? [];
  const userName = (id: string) => users.data?.find((u) => u.id === id)?.displayName;
  const known = ACTION_GROUPS.some((g) => g.actions.some((a) => a.value === view.action));

  return (
    <section>
      <header className="page-header">
        <h1>Audit log</h1>
        <div className="filters">
          <label>
            Action
            <select value={view.action ?? ''} onChange={(e) => change({ action: e.target.value })}>
              <option value="">All</option>
              {view.action && !known && <option value={view.action}>{view.action}</option>}
              {ACTION_GROUPS.map((group) => (
                <optgroup key={group.label} label={group.label}>
                  {group.actions.map((a) => (
                    <option key={a.value} value={a.value}>
                      {a.label}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </label>
          <label>
            Who
            <select
              value={view.actorId ?? ''}
              onChange={(e) => change({ actorId: e.target.value })}
            >
              <option value="">Anyone</option>
              {view.actorId && !userName(view.actorId) && (
                <option value={view.actorId}>user {view.actorId}</option>
              )}
              {users.data?.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.displayName} ({u.email})
                </option>
              ))}
            </select>
          </label>
          <label>
            From
            <input
              type="date"
              value={view.fromDay ?? ''}
              max={view.toDay}
              onChange={(e) => change({ fromDay: e.target.value })}
            />
          </label>
          <label>
            To (included)
            <input
              type="date"
              value={view.toDay ?? ''}
              min={view.fromDay}
              onChange={(e) => change({ toDay: e.target.value })}
            />
          </label>
        </div>
      </header>
      {view.objectType && (
        <p className="audit-object-filter" data-testid="audit-object-filter">
          Only entries for{' '}
          <strong>
            <ObjectName type={view.objectType} id={view.objectId ?? null} userName={userName} />
          </strong>{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => change({ objectType: undefined, objectId: undefined })}
          >
            Show every object
          </button>
        </p>
      )}
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
            <th>Changes and details</th>
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
              <td>
                {e.objectType ? (
                  <>
                    <ObjectName type={e.objectType} id={e.objectId} userName={userName} />
                    {e.objectId !== null && view.objectId !== e.objectId && (
                      <>
                        {' '}
                        <button
                          type="button"
                          className="link-button small"
                          onClick={() =>
                            change({ objectType: e.objectType ?? '', objectId: e.objectId ?? '' })
                          }
                        >
                          history
                        </button>
                      </>
                    )}
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td>{e.ip ?? '—'}</td>
              <td>
                <Changes entry={e} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {audit.isSuccess && entries.length === 0 && (
        <p className="muted">No entries match these filters.</p>
      )}
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
