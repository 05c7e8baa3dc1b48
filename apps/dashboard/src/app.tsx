import { Link, NavLink, Route, Routes } from 'react-router-dom';
import { hasRole, ROLE_LABELS } from './api/auth';
import { RequireRole } from './components/require-role';
import { ScorerBanner } from './components/scorer-banner';
import { ShortcutHelp } from './components/shortcut-help';
import { JudgeBanner } from './components/judge-banner';
import { WebhooksBanner } from './components/webhooks-banner';
import { AppealsPage } from './features/appeals/appeals-page';
import { RepeatOffendersPage } from './features/authors/repeat-offenders-page';
import { AuditPage } from './features/admin/audit-page';
import { DataPage } from './features/admin/data-page';
import { TokensPage } from './features/admin/tokens-page';
import { UsersPage } from './features/admin/users-page';
import { WebhooksPage } from './features/admin/webhooks-page';
import { LastDecisionProvider, UndoToast } from './features/review/last-decision';
import { PoliciesPage } from './features/policies/policies-page';
import { QueuesPage } from './features/queues/queues-page';
import { TransparencyPage } from './features/reports/transparency-page';
import { SimilarPostsPage } from './features/waves/similar-posts-page';
import { WavePage } from './features/waves/wave-page';
import { useOpenAppealCount } from './hooks/use-appeals';
import { useFlagEvents } from './hooks/use-flag-events';
import { accountSetupStep, useLogout, useSession } from './hooks/use-session';
import { AccountPage } from './pages/account-page';
import { AccountSetupPage } from './pages/account-setup-page';
import { FlagPage } from './pages/flag-page';
import { LoginPage } from './pages/login-page';
import { QueuePage } from './pages/queue-page';
import { StatsPage } from './pages/stats-page';

function TopBar() {
  const session = useSession();
  const logout = useLogout();
  const user = session.data?.user;
  const settingUp = accountSetupStep(session.data) !== null;
  const appeals = useOpenAppealCount(!!user && !settingUp);
  return (
    <nav className="topbar">
      <span className="brand">Sieve</span>
      {user && settingUp && (
        <>
          <span className="spacer" />
          <span className="whoami" data-testid="whoami">
            {user.displayName} · {ROLE_LABELS[user.role]}
          </span>
          <button className="link-button light" onClick={() => logout.mutate()}>
            Sign out
          </button>
        </>
      )}
      {user && !settingUp && (
        <>
          <NavLink to="/" end>
            Queue
          </NavLink>
          <NavLink to="/appeals">
            Appeals
            {!!appeals.data?.open && (
              <span className="nav-count" aria-label={`${appeals.data.open} waiting`}>
                {appeals.data.open}
              </span>
            )}
          </NavLink>
          {hasRole(user.role, 'reviewer') && <NavLink to="/queues">Queues</NavLink>}
          <NavLink to="/authors">Authors</NavLink>
          <NavLink to="/stats">Stats</NavLink>
          <NavLink to="/transparency">Transparency</NavLink>
          <NavLink to="/policies">Policies</NavLink>
          {hasRole(user.role, 'admin') && <NavLink to="/admin/users">Users</NavLink>}
          {hasRole(user.role, 'admin') && <NavLink to="/admin/tokens">API tokens</NavLink>}
          {hasRole(user.role, 'admin') && <NavLink to="/admin/webhooks">Webhooks</NavLink>}
          {hasRole(user.role, 'admin') && <NavLink to="/admin/audit">Audit log</NavLink>}
          {hasRole(user.role, 'admin') && <NavLink to="/admin/data">Data</NavLink>}
          <span className="spacer" />
          <Link to="/account" className="whoami" data-testid="whoami">
            {user.displayName} · {ROLE_LABELS[user.role]}
          </Link>
          <button className="link-button light" onClick={() => logout.mutate()}>
            Sign out
          </button>
        </>
      )}
    </nav>
  );
}

export function App() {
  const session = useSession();
  // Until a user has done what their account needs first, the api admits nothing else.
  const setupStep = accountSetupStep(session.data);
  const signedIn = !!session.data && setupStep === null;
  useFlagEvents(signedIn);
  return (
    <LastDecisionProvider>
      <div className="app">
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <TopBar />
        {signedIn && <ScorerBanner />}
        {signedIn && session.data && (
          <WebhooksBanner isAdmin={hasRole(session.data.user.role, 'admin')} />
        )}
        {signedIn && <JudgeBanner />}
        {signedIn && <ShortcutHelp />}
        {signedIn && <UndoToast />}
        <main id="main" tabIndex={-1}>
          {setupStep ? (
            <AccountSetupPage step={setupStep} />
          ) : (
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route
                path="/"
                element={
                  <RequireRole minRole="viewer">
                    <QueuePage />
                  </RequireRole>
                }
              />
              <Route
                path="/flags/:id"
                element={
                  <RequireRole minRole="viewer">
                    <FlagPage />
                  </RequireRole>
                }
              />
              <Route
                path="/waves/:id"
                element={
                  <RequireRole minRole="viewer">
                    <WavePage />
                  </RequireRole>
                }
              />
              <Route
                path="/similar"
                element={
                  <RequireRole minRole="viewer">
                    <SimilarPostsPage />
                  </RequireRole>
                }
              />
              <Route
                path="/appeals"
                element={
                  <RequireRole minRole="viewer">
                    <AppealsPage />
                  </RequireRole>
                }
              />
              <Route
                path="/authors"
                element={
                  <RequireRole minRole="viewer">
                    <RepeatOffendersPage />
                  </RequireRole>
                }
              />
              <Route
                path="/queues"
                element={
                  <RequireRole minRole="reviewer">
                    <QueuesPage />
                  </RequireRole>
                }
              />
              <Route
                path="/stats"
                element={
                  <RequireRole minRole="viewer">
                    <StatsPage />
                  </RequireRole>
                }
              />
              <Route
                path="/transparency"
                element={
                  <RequireRole minRole="viewer">
                    <TransparencyPage />
                  </RequireRole>
                }
              />
              <Route
                path="/policies"
                element={
                  <RequireRole minRole="viewer">
                    <PoliciesPage />
                  </RequireRole>
                }
              />
              <Route
                path="/account"
                element={
                  <RequireRole minRole="viewer">
                    <AccountPage />
                  </RequireRole>
                }
              />
              <Route
                path="/admin/users"
                element={
                  <RequireRole minRole="admin">
                    <UsersPage />
                  </RequireRole>
                }
              />
              <Route
                path="/admin/tokens"
                element={
                  <RequireRole minRole="admin">
                    <TokensPage />
                  </RequireRole>
                }
              />
              <Route
                path="/admin/webhooks"
                element={
                  <RequireRole minRole="admin">
                    <WebhooksPage />
                  </RequireRole>
                }
              />
              <Route
                path="/admin/audit"
                element={
                  <RequireRole minRole="admin">
                    <AuditPage />
                  </RequireRole>
                }
              />
              <Route
                path="/admin/data"
                element={
                  <RequireRole minRole="admin">
                    <DataPage />
                  </RequireRole>
                }
              />
              <Route path="*" element={<p>Page not found.</p>} />
            </Routes>
          )}
        </main>
      </div>
    </LastDecisionProvider>
  );
}
