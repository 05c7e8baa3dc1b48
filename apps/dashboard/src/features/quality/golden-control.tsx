import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { listGolden, markGolden, retireGolden } from '../../api/golden';
import { queryKeys } from '../../hooks/query-keys';

/**
 * For policy admins on a decided item: make it golden (the outcome reviewers should reach),
 * see how reviewers did on it, or retire it. Reviewers never see this.
 */
export function GoldenControl({
  flagId,
  finalAction,
}: {
  flagId: string;
  finalAction: 'approve' | 'remove' | null;
}) {
  const client = useQueryClient();
  const golden = useQuery({ queryKey: queryKeys.golden, queryFn: listGolden });
  const refresh = () => client.invalidateQueries({ queryKey: queryKeys.golden });
  const mark = useMutation({ mutationFn: markGolden, onSuccess: refresh });
  const retire = useMutation({ mutationFn: retireGolden, onSuccess: refresh });
  const [expected, setExpected] = useState<'approve' | 'remove'>(finalAction ?? 'remove');
  const [note, setNote] = useState('');
  const item = golden.data?.find((g) => g.flagId === flagId && g.active);
  const error = mark.error ?? retire.error;
  return (
    <section className="golden-control" aria-label="Golden item" data-testid="golden-control">
      <h2>Golden item</h2>
      {item ? (
        <p role="status">
          Golden: reviewers should <strong>{item.expectedAction}</strong>. Answered {item.answered}{' '}
          times, {item.correct} as expected.{' '}
          <button type="button" className="link-button" onClick={() => retire.mutate(item.id)}>
            Retire
          </button>
        </p>
      ) : (
        <div className="lead-actions">
          <label>
            Reviewers should
            <select
              value={expected}
              onChange={(e) => setExpected(e.target.value as 'approve' | 'remove')}
            >
              <option value="remove">remove</option>
              <option value="approve">approve</option>
            </select>
          </label>
          <label>
            Why (for the team)
            <input value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <button
            type="button"
            disabled={mark.isPending}
            onClick={() =>
              mark.mutate({ flagId, expectedAction: expected, note: note.trim() || undefined })
            }
          >
            Mark as golden
          </button>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
    </section>
  );
}
