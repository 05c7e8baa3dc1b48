import { NavLink, Route, Routes } from 'react-router-dom';
import { ScorerBanner } from './components/scorer-banner';
import { FlagPage } from './pages/flag-page';
import { QueuePage } from './pages/queue-page';

export function App() {
  return (
    <div className="app">
      <nav className="topbar">
        <span className="brand">Sieve</span>
        <NavLink to="/">Queue</NavLink>
      </nav>
      <ScorerBanner />
      <main>
        <Routes>
          <Route path="/" element={<QueuePage />} />
          <Route path="/flags/:id" element={<FlagPage />} />
          <Route path="*" element={<p>Page not found.</p>} />
        </Routes>
      </main>
    </div>
  );
}
