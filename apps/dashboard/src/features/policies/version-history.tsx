import type { PolicyVersionDto } from '@sieve/contracts';
import { diffPolicies } from '@sieve/moderation';
import { useState } from 'react';
import { timeAgo } from '../../components/format';
import { usePolicyActions } from '../../hooks/use-policies';
import { PolicyDiff, VersionChanges } from './policy-diff';
import { toPolicy } from './use-draft-editor';

/**
 * Every version, newest first, with who published it and why; rolling back to an older one,
 * after seeing setting by setting what that changes.
 */
export function VersionHistory({
  versions,
  canEdit,
  hasDraft,
  now,
}: {
  versions: PolicyVersionDto[];
  canEdit: boolean;
  hasDraft: boolean;
  now: number;
}) {
  const { rollback } = usePolicyActions();
  const [target, setTarget] = useState<number | null>(null);
  const [note, setNote] = useState('');
  const live = versions.find((v) => v.live);
  const rollingBackTo = versions.find((v) => v.version === target);
  // A published version against the one published before it; a draft against the live one.
  const before = (v: PolicyVersionDto) =>
    v.status === 'draft'
      ? live
      : versions
          .filter((o) => o.status === 'published' && o.version < v.version)
          .reduce<PolicyVersionDto | undefined>(
            (latest, o) => (!latest || o.version > latest.version ? o : latest),
            undefined,
          );
  return (
    <aside className="versions" data-testid="policy-versions">
      <h2>History</h2>
      <ol>
        {versions.map((v) => {
          const prev = before(v);
          return (
            <li key={v.version} className={v.live ? 'live' : ''}>
              <strong>v{v.version}</strong>{' '}
              {v.live ? (
                <span className="badge badge-open">live</span>
              ) : (
                <span className="muted small">{v.status}</span>
              )}
              <div className="small">
                {v.changeNote ?? (v.status === 'draft' ? 'being edited' : '')}
              </div>
              <div className="muted small">
                {v.publishedAt
                  ? `${v.publishedBy ?? 'system'}, ${timeAgo(v.publishedAt, now)}`
                  : `${v.createdBy ?? 'system'}, ${timeAgo(v.createdAt, now)}`}
                {v.basedOn !== null && ` · from v${v.basedOn}`}
              </div>
              {prev && (
                <VersionChanges
                  changes={diffPolicies(toPolicy(prev), toPolicy(v))}
                  from={`v${prev.version}`}
                />
              )}
              {canEdit && v.status === 'published' && !v.live && (
                <button
                  className="link-button small"
                  disabled={hasDraft}
                  onClick={() => setTarget(v.version)}
                >
                  Roll back to v{v.version}
                </button>
              )}
            </li>
          );
        })}
      </ol>
      {hasDraft && canEdit && (
        <p className="muted small">Publish or discard the draft to roll back.</p>
      )}
      {target !== null && (
        <div className="confirm" role="dialog" aria-label="Roll back">
          <p>Publish a copy of version {target} as the newest version?</p>
          {live && rollingBackTo && (
            <PolicyDiff
              changes={diffPolicies(toPolicy(live), toPolicy(rollingBackTo))}
              after={`v${target}`}
            />
          )}
          <label className="confirm-note">
            Why (required)
            <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} />
          </label>
          <button
            className="primary"
            disabled={note.trim().length < 3 || rollback.isPending}
            onClick={() =>
              rollback.mutate({ version: target, note }, { onSuccess: () => setTarget(null) })
            }
          >
            Roll back
          </button>
          <button className="link-button" onClick={() => setTarget(null)}>
            Cancel
          </button>
          {rollback.isError && <p className="error">{rollback.error.message}</p>}
        </div>
      )}
    </aside>
  );
}
