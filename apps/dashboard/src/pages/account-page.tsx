import { CONTENT_FILTERS, type ContentFilter } from '@sieve/moderation';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { send } from '../api/client';
import { queryKeys } from '../hooks/query-keys';
import { ROLE_LABELS, type User } from '../api/auth';
import { ChangePasswordForm } from '../components/change-password-form';
import { SecondFactorSection } from '../features/account/second-factor-section';
import { SessionsSection } from '../features/account/sessions-section';
import { useSession } from '../hooks/use-session';
import { useSystemInfo } from '../hooks/use-system';

const FILTER_LABELS: Record<ContentFilter, string> = {
  show: 'Show',
  greyscale: 'Greyscale',
  blur: 'Blur until revealed',
  warn: 'Warning screen first',
};

export function AccountPage() {
  const session = useSession();
  const client = useQueryClient();
  const preferences = useMutation({
    mutationFn: (changes: {
      blurSensitive?: boolean;
      contentFilters?: Record<string, ContentFilter>;
    }) => send<User>('PATCH', '/auth/preferences', changes),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.session }),
  });
  const system = useSystemInfo();
  const user = session.data?.user;
  if (!user) return null;

  return (
    <section>
      <h1>Your account</h1>
      <dl className="facts">
        <dt>Name</dt>
        <dd>{user.displayName}</dd>
        <dt>E-mail</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>{ROLE_LABELS[user.role]}</dd>
      </dl>
      <label className="toggle">
        <input
          type="checkbox"
          checked={user.preferences.blurSensitive}
          onChange={(e) => preferences.mutate({ blurSensitive: e.target.checked })}
        />
        Blur posts in sensitive categories until I reveal them
      </label>
      <section className="content-filters" aria-label="Content filters">
        <h2>Content filters</h2>
        <p className="muted">
          Per category, how posts are shown to you everywhere in Sieve (the strongest filter of a
          post's categories applies). A warning screen keeps the text off the page until you ask for
          it.
        </p>
        <table className="queue">
          <tbody>
            {system.data?.categories.map((c) => {
              const chosen = user.preferences.contentFilters[c.name];
              const fallback = c.sensitive && user.preferences.blurSensitive ? 'blur' : 'show';
              return (
                <tr key={c.name}>
                  <th scope="row">{c.label}</th>
                  <td>
                    <select
                      aria-label={`Filter for ${c.label}`}
                      value={chosen ?? ''}
                      disabled={preferences.isPending}
                      onChange={(e) => {
                        const next = { ...user.preferences.contentFilters };
                        if (e.target.value) next[c.name] = e.target.value as ContentFilter;
                        else delete next[c.name];
                        preferences.mutate({ contentFilters: next });
                      }}
                    >
                      <option value="">Default ({FILTER_LABELS[fallback].toLowerCase()})</option>
                      {CONTENT_FILTERS.map((f) => (
                        <option key={f} value={f}>
                          {FILTER_LABELS[f]}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <ChangePasswordForm heading="Change password" />
      {session.data && <SecondFactorSection session={session.data} />}
      <SessionsSection />
    </section>
  );
}
