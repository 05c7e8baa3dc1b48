import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ERASURE_PROGRESS_MS, eraseAuthor, getErasure } from '../../api/authors';

/**
 * For admins: erase everything this author posted (an erasure request, e.g. under GDPR art. 17).
 * The texts go; scores and decisions stay; the platform is told. Asks for the request's
 * reference and a second click, because it cannot be undone.
 */
export function EraseAuthorControl({
  source,
  authorId,
  erased,
}: {
  source: string;
  authorId: string;
  /** This post is erased already: nothing to offer, unless this control just did it. */
  erased: boolean;
}) {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const showErased = async () => {
    await client.invalidateQueries({ queryKey: ['flags'] });
    await client.invalidateQueries({ queryKey: ['flag-context'] });
  };
  const erase = useMutation({ mutationFn: eraseAuthor, onSuccess: showErased });
  // A prolific author's erasure is answered before it is done (202): followed until it is.
  const running = erase.data && !erase.data.completedAt ? erase.data.id : null;
  const progress = useQuery({
    queryKey: ['erasure', running],
    queryFn: async () => {
      const erasure = await getErasure(running ?? '');
      if (erasure.completedAt) await showErased();
      return erasure;
    },
    enabled: running !== null,
    refetchInterval: (query) => (query.state.data?.completedAt ? false : ERASURE_PROGRESS_MS),
  });
  const erasure = progress.data ?? erase.data;
  if (erasure)
    return (
      <p role="status" data-testid="erased">
        {erasure.completedAt
          ? `Erased the text of ${erasure.eventsErased.toLocaleString()} stored posts by this author.`
          : `Erasing the text of this author's posts in the background: ${erasure.eventsErased.toLocaleString()} so far.`}
      </p>
    );
  if (erased) return null;
  return (
    <section className="erase-author" aria-label="Erase this author's content">
      {!open ? (
        <button type="button" className="link-button" onClick={() => setOpen(true)}>
          Erase this author's content…
        </button>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            erase.mutate({ source, authorId, reason: reason.trim() });
          }}
        >
          <p className="small">
            Removes the text of every stored post by <strong>{authorId}</strong> on {source}. Scores
            and decisions stay for the statistics; the platform receives an erasure message per
            post. This cannot be undone.
          </p>
          <label>
            Request reference or reason
            <input
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              minLength={3}
              maxLength={500}
              required
            />
          </label>
          <button type="submit" className="danger" disabled={erase.isPending}>
            Erase permanently
          </button>{' '}
          <button type="button" className="link-button" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </form>
      )}
      {erase.error && (
        <p className="error" role="alert">
          {erase.error.message}
        </p>
      )}
    </section>
  );
}
