import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import type { SavedViewDto } from '@sieve/contracts';
import type { Session, User } from '../api/auth';
import { send } from '../api/client';
import { queryKeys } from '../hooks/query-keys';
import { useSession } from '../hooks/use-session';

/** Named queue filters kept with the account: one click back to "PII, most severe". */
export function SavedViews({ query }: { query: string }) {
  const session = useSession();
  const client = useQueryClient();
  const views = session.data?.user.preferences.savedViews ?? [];
  const save = useMutation({
    mutationFn: (savedViews: SavedViewDto[]) =>
      send<User>('PATCH', '/auth/preferences', { savedViews }),
    onSuccess: (user) =>
      client.setQueryData<Session | null>(queryKeys.session, (s) => (s ? { ...s, user } : s)),
  });
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  if (!session.data) return null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    // Saving under an existing name replaces that view.
    const others = views.filter((v) => v.name.toLowerCase() !== trimmed.toLowerCase());
    save.mutate([...others, { name: trimmed, query }], {
      onSuccess: () => {
        setNaming(false);
        setName('');
      },
    });
  };

  return (
    <nav className="saved-views" aria-label="Saved views">
      {views.map((view) => (
        <span key={view.name} className={`view-chip ${view.query === query ? 'active' : ''}`}>
          <Link to={`/${view.query ? `?${view.query}` : ''}`}>{view.name}</Link>
          <button
            type="button"
            aria-label={`Delete view ${view.name}`}
            title="Delete this view"
            disabled={save.isPending}
            onClick={() => save.mutate(views.filter((v) => v !== view))}
          >
            ×
          </button>
        </span>
      ))}
      {naming ? (
        <form onSubmit={submit} className="view-form">
          <input
            aria-label="View name"
            placeholder="Name this view"
            maxLength={60}
            value={name}
            autoFocus
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setNaming(false)}
          />
          <button type="submit" disabled={save.isPending || !name.trim()}>
            Save
          </button>
        </form>
      ) : (
        <button type="button" className="link-button" onClick={() => setNaming(true)}>
          Save this view
        </button>
      )}
      {save.error && (
        <span className="error" role="alert">
          {save.error.message}
        </span>
      )}
    </nav>
  );
}
