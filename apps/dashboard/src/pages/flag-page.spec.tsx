import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import type { FlagDetailDto, Role } from '@sieve/contracts';
import { queryKeys } from '../hooks/query-keys';
import { reviewerSession, SYSTEM_INFO } from '../testing/render';
import { LastDecisionProvider } from '../features/review/last-decision';
import { FlagPage } from './flag-page';

const ID = '00000000-0000-4000-8000-000000000001';
const TEXT = 'I will hurt you, call me at +33 6 12 34 56 78';

const detail: FlagDetailDto = {
  id: ID,
  status: 'open',
  queue: 'default',
  autoDecision: 'review',
  triggered: [{ category: 'violence_and_threats', score: 0.91, threshold: 0.5, action: 'review' }],
  maxScore: 0.91,
  createdAt: new Date(Date.now() - 60_000).toISOString(),
  claim: null,
  finalAction: null,
  author: null,
  event: {
    source: 'forum',
    eventId: 'post-1',
    authorId: 'user-17',
    text: TEXT,
    lang: 'en',
    context: { threadId: 't-9', url: 'https://forum.example/t/9#post-1' },
    createdAt: new Date().toISOString(),
    erasedAt: null,
  },
  scores: { violence_and_threats: 0.91, pii: 0.7 },
  model: 'sieve-offline-lexicon-v1',
  policyVersion: 3,
  scoredAt: new Date().toISOString(),
  thresholds: {
    violence_and_threats: { enabled: true, reviewThreshold: 0.5, autoActionThreshold: 0.95 },
    pii: { enabled: true, reviewThreshold: 0.8 },
  },
  decisions: [
    {
      id: 'd1',
      action: 'escalate',
      reason: 'Legal risk',
      note: null,
      reviewer: 'Omar',
      precedent: null,
      createdAt: new Date(Date.now() - 30_000).toISOString(),
      undoneAt: new Date(Date.now() - 20_000).toISOString(),
      contentRevealed: null,
    },
  ],
  notes: [
    {
      id: 'n1',
      text: 'Same author as last week',
      author: 'Omar',
      createdAt: new Date().toISOString(),
    },
  ],
  highlightsCoverChars: 10_000,
  judgements: [],
  highlights: [{ start: 2, end: 6, category: 'violence_and_threats' }],
};

type Answer = { status: number; body?: unknown };

/** The item view against a fake api; `answers` overrides routes by "METHOD path" prefix. */
function renderItem(
  options: { blur?: boolean; answers?: Record<string, Answer>; role?: Role } = {},
) {
  const calls: { method: string; path: string; body: unknown }[] = [];
  const routes: Record<string, Answer> = {
    [`GET /api/flags/${ID}/explanation`]: { status: 200, body: null },
    [`GET /api/flags/${ID}/context`]: {
      status: 200,
      body: {
        authorRecent: [],
        similarDecided: [
          {
            flagId: 'f-old',
            text: 'I will hurt you, call me',
            finalAction: 'remove',
            reason: 'Threat of violence',
            decidedAt: new Date(Date.now() - 3_600_000).toISOString(),
            similarity: 0.82,
          },
        ],
      },
    },
    [`GET /api/flags/${ID}`]: { status: 200, body: detail },
    [`GET /api/queues`]: {
      status: 200,
      body: [
        {
          id: 'default',
          name: 'General',
          description: '',
          memberRole: 'reviewer',
          memberIds: [],
          leadIds: [],
          decideRole: 'reviewer',
          slaMinutes: 60,
          ordering: 'oldest',
          builtIn: true,
          member: true,
          lead: false,
          waiting: 1,
          claimed: 0,
          oldestWaitingAt: null,
        },
      ],
    },
    [`POST /api/flags/${ID}/claim`]: {
      status: 200,
      body: {
        userId: 'me',
        displayName: 'Rita',
        expiresAt: new Date(Date.now() + 300_000).toISOString(),
      },
    },
    [`DELETE /api/flags/${ID}/claim`]: { status: 204 },
    [`POST /api/flags/${ID}/decision`]: {
      status: 200,
      body: { decisionId: 'd2', status: 'decided' },
    },
    ...options.answers,
  };
  global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    const path = String(input);
    calls.push({ method, path, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    // Longest matching route first (detail is a prefix of its sub-resources).
    const match = Object.keys(routes)
      .filter((route) => `${method} ${path}`.startsWith(route))
      .sort((a, b) => b.length - a.length)[0];
    const answer = match ? (routes[match] as Answer) : { status: 404, body: { message: 'nope' } };
    return {
      status: answer.status,
      ok: answer.status < 400,
      json: async () => answer.body,
    } as Response;
  }) as typeof fetch;
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  client.setQueryData(queryKeys.system, SYSTEM_INFO);
  const session = reviewerSession({ blurSensitive: options.blur ?? false });
  client.setQueryData(queryKeys.session, {
    ...session,
    user: { ...session.user, role: options.role ?? 'reviewer' },
  });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[`/flags/${ID}`]}>
        <Routes>
          <Route
            path="/flags/:id"
            element={
              <LastDecisionProvider>
                <FlagPage />
              </LastDecisionProvider>
            }
          />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return calls;
}

const key = (k: string) => act(() => void fireEvent.keyDown(window, { key: k }));

describe('FlagPage (the item view)', () => {
  it('claims the item on opening and shows the post, its facts, scores and history', async () => {
    const calls = renderItem();
    const article = await screen.findByTestId('flag-detail');
    await waitFor(() =>
      expect(calls.some((c) => c.method === 'POST' && c.path.endsWith('/claim'))).toBe(true),
    );
    expect(article.querySelector('blockquote')?.textContent).toBe(TEXT);
    expect(article.querySelector('mark')?.textContent).toBe('will');
    expect(within(article).getByText('t-9')).toBeTruthy();
    const where = within(article).getByRole('link', { name: 'https://forum.example/t/9#post-1' });
    expect(where.getAttribute('rel')).toContain('noopener');
    expect(article.textContent).toContain('Needs review by policy v3');
    const similar = await screen.findByRole('region', { name: 'Similar past decisions' });
    expect(similar.textContent).toMatch(
      /82% alike.*I will hurt you, call me.*removed.*Threat of violence/,
    );
    const history = screen.getByTestId('history');
    expect(history.textContent).toContain('Escalated by Omar: Legal risk (undone)');
    expect(history.textContent).toContain('Note by Omar: Same author as last week');
  });

  it('blurs a post in a sensitive category until revealed, for reviewers who ask for it', async () => {
    renderItem({ blur: true });
    await screen.findByTestId('flag-detail');
    const post = document.querySelector('blockquote') as HTMLElement;
    expect(post.className).toContain('blurred');
    expect(post.getAttribute('aria-hidden')).toBe('true');
    key('v');
    expect(post.className).not.toContain('blurred');
  });

  it('decides from the keyboard, saying whether the post was seen, and offers the next item', async () => {
    const calls = renderItem();
    await screen.findByRole('button', { name: /Approve/ });
    key('r');
    key('1');
    key('Enter');
    expect((await screen.findByTestId('decided-here')).textContent).toContain('Next item');
    const decision = calls.find((c) => c.method === 'POST' && c.path.endsWith('/decision'));
    expect(decision?.body).toStrictEqual({
      action: 'remove',
      reason: 'Spam',
      contentRevealed: true,
    });
  });

  it('lets a reviewer read but not decide an item someone else holds', async () => {
    renderItem({
      answers: {
        [`POST /api/flags/${ID}/claim`]: {
          status: 409,
          body: { message: 'Omar is reviewing this flag' },
        },
      },
    });
    expect((await screen.findByText(/Omar is reviewing this flag/)).textContent).toContain(
      'You can read it, but not decide it',
    );
    expect(screen.queryByRole('button', { name: /Approve/ })).toBeNull();
  });

  it('says an erased post was erased, and offers neither an explanation nor similar posts', async () => {
    const erased = {
      ...detail,
      highlights: [],
      event: { ...detail.event, text: '', context: null, erasedAt: new Date().toISOString() },
    };
    renderItem({ answers: { [`GET /api/flags/${ID}`]: { status: 200, body: erased } } });
    const article = await screen.findByTestId('flag-detail');
    expect(within(article).getByTestId('post-erased').textContent).toContain(
      "erased at the author's request",
    );
    expect(article.querySelector('blockquote')).toBeNull();
    expect(screen.queryByTestId('explanation')).toBeNull();
    expect(screen.queryByRole('button', { name: /Explain/ })).toBeNull();
    expect(screen.queryByRole('region', { name: 'Similar past decisions' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Find posts like this' })).toBeNull();
  });

  it('never links a context URL that is not http(s)', async () => {
    const scriptUrl = ['javascript', 'alert(1)'].join(':');
    const hostile = { ...detail, event: { ...detail.event, context: { url: scriptUrl } } };
    renderItem({ answers: { [`GET /api/flags/${ID}`]: { status: 200, body: hostile } } });
    const article = await screen.findByTestId('flag-detail');
    expect(within(article).getByText(scriptUrl).tagName).toBe('SPAN');
    expect(article.querySelector('a[href^="javascript"]')).toBeNull();
  });

  it('links an admin to everything the audit log holds about the flag', async () => {
    renderItem({ role: 'admin' });
    const article = await screen.findByTestId('flag-detail');
    const audit = within(article).getByRole('link', { name: 'Everything done to this flag' });
    expect(audit.getAttribute('href')).toBe(`/admin/audit?objectType=flag&objectId=${ID}`);
  });

  it('has no audit link for a reviewer, who cannot read the audit log', async () => {
    renderItem();
    const article = await screen.findByTestId('flag-detail');
    expect(
      within(article).queryByRole('link', { name: 'Everything done to this flag' }),
    ).toBeNull();
  });
});
