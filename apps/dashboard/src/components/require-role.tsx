import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { hasRole, ROLE_LABELS, type Role } from '../api/auth';
import { useSession } from '../hooks/use-session';

/** Sends signed-out users to sign in, and shows a refusal to those below the page's role. */
export function RequireRole({ minRole: role, children }: { minRole: Role; children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <p className="muted">Loading…</p>;
  if (session.isError)
    return (
      <p className="error" role="alert">
        {session.error.message}
      </p>
    );
  if (!session.data)
    return (
      <Navigate
        to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`}
        replace
      />
    );
  if (!hasRole(session.data.user.role, role)) {
    return (
      <section className="refused" data-testid="forbidden">
        <h1>Not available to your role</h1>
        <p>
          This page needs the {ROLE_LABELS[role]} role. You are signed in as{' '}
          {ROLE_LABELS[session.data.user.role]}. Ask an admin if you need access.
        </p>
      </section>
    );
  }
  return children;
}
