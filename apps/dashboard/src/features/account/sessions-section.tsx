import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { endOtherSessions, endSession, listSignedInSessions } from '../../api/auth';
import { timeAgo } from '../../components/format';
import { queryKeys } from '../../hooks/query-keys';
import { useNow } from '../../hooks/use-now';
import { describeUserAgent } from './user-agent';

/**
 * Where you are signed in, with a way to end any session but this one, or all of them. Its
 * buttons say "end", not "sign out": the top bar's Sign out is this browser's.
 */
export function SessionsSection() {
  const client = useQueryClient();
  const now = useNow(30_000);
  const sessions = useQuery({
    queryKey: queryKeys.signedInSessions,
    queryFn: listSignedInSessions,
  });
  const [done, setDone] = useState<string | null>(null);
  const refresh = () => void client.invalidateQueries({ queryKey: queryKeys.signedInSessions });
  const endOne = useMutation({
    mutationFn: endSession,
    onSuccess: () => {
      setDone('That session ended: it is signed out.');
      refresh();
    },
  });
  const endOthers = useMutation({
    mutationFn: endOtherSessions,
    onSuccess: ({ ended }) => {
      setDone(ended === 1 ? '1 other session ended.' : `${ended} other sessions ended.`);
      refresh();
    },
  });
  const others = sessions.data?.filter((s) => !s.current).length ?? 0;
  const error = sessions.error ?? endOne.error ?? endOthers.error;

  return (
    <section className="signed-in-sessions" aria-label="Where you are signed in">
      <h2>Where you are signed in</h2>
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
      <table className="queue" data-testid="signed-in-sessions">
        <thead>
          <tr>
            <th>Device</th>
            <th>Address</th>
            <th>Signed in</th>
            <th>Last active</th>
            <th>
              <span className="visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sessions.data?.map((s) => (
            <tr key={s.id}>
              <td title={s.userAgent ?? undefined}>{describeUserAgent(s.userAgent)}</td>
              <td>{s.ip ?? '—'}</td>
              <td title={s.createdAt}>{timeAgo(s.createdAt, now)}</td>
              <td title={s.lastSeenAt}>{s.current ? 'now' : timeAgo(s.lastSeenAt, now)}</td>
              <td>
                {s.current ? (
                  <strong>This browser</strong>
                ) : (
                  <button
                    className="link-button"
                    disabled={endOne.isPending}
                    aria-label={`End session of ${describeUserAgent(s.userAgent)} at ${s.ip ?? 'an unknown address'}`}
                    onClick={() => {
                      setDone(null);
                      endOne.mutate(s.id);
                    }}
                  >
                    End session
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {done && (
        <p role="status" className="muted">
          {done}
        </p>
      )}
      <button
        type="button"
        className="link-button"
        disabled={others === 0 || endOthers.isPending}
        onClick={() => {
          setDone(null);
          endOthers.mutate();
        }}
      >
        End every other session
      </button>
    </section>
  );
}
