import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { StatusBadge } from '../../components/status-badge';
import { timeAgo } from '../../components/format';
import { useSimilarPosts } from '../../hooks/use-waves';
import { useContentFilter } from '../../hooks/use-wellness';
import { FilteredLine } from '../queue/queue-table';

/** "Find posts like this": flagged posts nearest in meaning to a text or to a flag's post. */
export function SimilarPostsPage() {
  const [params, setParams] = useSearchParams();
  const text = params.get('text') ?? undefined;
  const flagId = params.get('flagId') ?? undefined;
  const [draft, setDraft] = useState(text ?? '');
  const found = useSimilarPosts({ text, flagId });
  const filterOf = useContentFilter();
  return (
    <section>
      <header className="page-header">
        <h1>Find posts like this</h1>
      </header>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (draft.trim()) setParams({ text: draft.trim() });
        }}
      >
        <label>
          Posts like{' '}
          <input
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="Paste or describe a post"
            maxLength={2000}
            size={60}
          />
        </label>{' '}
        <button className="primary" disabled={!draft.trim()}>
          Search
        </button>
      </form>
      {flagId && !text && <p className="muted">Posts like the flagged post you came from.</p>}
      {found.data?.method.offline && (
        <p className="muted small" data-testid="vector-method">
          {found.data.method.label}: finds rewordings of the same text, not the same meaning in
          other words.
        </p>
      )}
      {found.isError && (
        <p className="error" role="alert">
          {found.error.message}
        </p>
      )}
      {found.isSuccess && found.data.items.length === 0 && (
        <p className="empty">No flagged post is like this.</p>
      )}
      {found.isSuccess && found.data.items.length > 0 && (
        <table className="queue" data-testid="similar-posts">
          <thead>
            <tr>
              <th>Post</th>
              <th>Alike</th>
              <th>Status</th>
              <th>Flagged</th>
            </tr>
          </thead>
          <tbody>
            {found.data.items.map(({ flag, similarity, sameText }) => (
              <tr key={flag.id}>
                <td>
                  <Link to={`/flags/${flag.id}`} className="post-link">
                    <FilteredLine text={flag.event.text} mode={filterOf(flag.triggered)} />
                  </Link>
                  {sameText > 1 && (
                    <div className="muted small" data-testid="same-text">
                      and {sameText - 1} more {sameText === 2 ? 'post' : 'posts'} with the same text
                    </div>
                  )}
                </td>
                <td>{Math.round(similarity * 100)}%</td>
                <td>
                  <StatusBadge status={flag.status} />
                </td>
                <td className="muted small">{timeAgo(flag.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
