import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import type { FlagCountsDto, FlagPageDto, FlagSummaryDto } from '@sieve/contracts';
import { queryKeys } from '../hooks/query-keys';
import { reviewerSession, SYSTEM_INFO } from '../testing/render';
import { QueuePage } from './queue-page';

const HOUR = 3_600_000;
const flag = (n: number, extra: Partial<FlagSummaryDto> = {}): FlagSummaryDto => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  status: 'open',
  queue: 'default',
  autoDecision: 'review',
  triggered: [{ category: 'pii', score: 0.8, threshold: 0.5, action: 'review' }],
  maxScore: 0.8,
  createdAt: new Date(Date.now() - n * 60_000).toISOString(),
  claim: null,
  finalAction: null,
  author: null,
  event: {
    source: 'forum',
    eventId: `e-${n}`,
    authorId: `author-${n}`,
    text: `post number ${n}`,
    lang: 'en',
    context: null,
    createdAt: new Date().toISOString(),
    erasedAt: null,
  },
  ...extra,
});

const session = reviewerSession();

function Where() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

/** The page against a fake api: `pages` answers GET /flags, `counts` GET /flags/counts. */
function renderQueue(page: FlagPageDto, counts: FlagCountsDto, url = '/') {
  const requests: string[] = [];
  global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = String(input);
    requests.push(init?.method === 'PATCH' ? `PATCH ${path} ${String(init.body)}` : path);
    const body =
      init?.method === 'PATCH'
        ? {
            ...session.user,
            preferences: { ...session.user.preferences, ...JSON.parse(String(init.body)) },
          }
        : path.includes('/flags/counts')
          ? counts
          : path.endsWith('/queues') || path.endsWith('/waves')
            ? []
            : page;
    return { status: 200, ok: true, json: async () => body } as Response;
  }) as typeof fetch;
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(queryKeys.system, SYSTEM_INFO);
  client.setQueryData(queryKeys.session, session);
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[url]}>
        <Routes>
          <Route path="/" element={<QueuePage />} />
          <Route path="/flags/:id" element={<p>item view</p>} />
        </Routes>
        <Where />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return requests;
}

const key = (k: string) => act(() => void fireEvent.keyDown(window, { key: k }));
const counts: FlagCountsDto = {
  open: 3,
  claimed: 1,
  escalated: 0,
  decided: 7,
  decidedAtLeast: false,
  oldestWaitingAt: new Date(Date.now() - 3 * HOUR).toISOString(),
};

describe('QueuePage', () => {
  it('lists flags with who holds them, what is overdue, and the counts per status', async () => {
    renderQueue(
      {
        items: [
          flag(1),
          flag(2, { claim: { userId: 'other', displayName: 'Omar', expiresAt: 'soon' } }),
          flag(3, { createdAt: new Date(Date.now() - 2 * HOUR).toISOString() }),
        ],
        nextCursor: null,
      },
      counts,
    );
    const rows = within(await screen.findByTestId('queue'))
      .getAllByRole('row')
      .slice(1);
    expect(rows).toHaveLength(3);
    expect(within(rows[1] as HTMLElement).getByText('Omar')).toBeTruthy();
    expect(within(rows[2] as HTMLElement).getByText('overdue')).toBeTruthy();
    expect(within(rows[0] as HTMLElement).queryByText('overdue')).toBeNull();
    expect(screen.getByRole('option', { name: 'decided (7)' })).toBeTruthy();
    expect(screen.getByTestId('queue-age').textContent).toMatch(
      /4 waiting .* over the 60 min target/,
    );
  });

  it('says the decided count is a floor when the api stopped counting', async () => {
    renderQueue(
      { items: [flag(1)], nextCursor: null },
      { ...counts, decided: 10_000, decidedAtLeast: true },
    );
    expect(await screen.findByRole('option', { name: 'decided (10,000+)' })).toBeTruthy();
    expect(screen.getByRole('option', { name: 'open (3)' })).toBeTruthy();
  });

  it('renders post text as text, never as markup', async () => {
    renderQueue(
      {
        items: [flag(1, { event: { ...flag(1).event, text: '<img src=x onerror="alert(1)">hi' } })],
        nextCursor: null,
      },
      counts,
    );
    const queue = await screen.findByTestId('queue');
    expect(queue.querySelector('img')).toBeNull();
    expect(within(queue).getByText('<img src=x onerror="alert(1)">hi')).toBeTruthy();
  });

  it('is driven from the keyboard: j/k move, x selects for a bulk decision, Enter opens', async () => {
    renderQueue({ items: [flag(1), flag(2), flag(3)], nextCursor: null }, counts);
    await screen.findByTestId('queue');
    const current = () => document.querySelector('tr[aria-current="true"]')?.textContent ?? '';
    expect(current()).toContain('post number 1');
    key('j');
    key('j');
    key('k');
    expect(current()).toContain('post number 2');
    key('x');
    expect(screen.getByTestId('bulk-bar').textContent).toContain('1 selected');
    key('x');
    expect(screen.queryByTestId('bulk-bar')).toBeNull();
    key('Enter');
    await waitFor(() =>
      expect(screen.getByTestId('location').textContent).toBe(`/flags/${flag(2).id}`),
    );
  });

  it('asks the api with the filters in the address, and changes them from the controls', async () => {
    const requests = renderQueue(
      { items: [flag(1)], nextCursor: null },
      counts,
      '/?status=open&category=pii&sort=severity',
    );
    await screen.findByTestId('queue');
    expect(
      requests.some((r) => /\/flags\?.*status=open.*category=pii.*sort=severity/.test(r)),
    ).toBe(true);
    // Counts ignore status and sort: they are shown per status.
    expect(requests.find((r) => r.includes('/flags/counts'))).not.toMatch(/status=|sort=/);
    fireEvent.change(screen.getByLabelText('Search posts'), { target: { value: 'paris' } });
    fireEvent.submit(screen.getByRole('search'));
    await waitFor(() => expect(screen.getByTestId('location').textContent).toContain('q=paris'));
    await waitFor(() => expect(requests.some((r) => r.includes('q=paris'))).toBe(true));
  });

  it('narrows to one author from a row, and to a recent window, sending `from` as a time', async () => {
    const requests = renderQueue({ items: [flag(1)], nextCursor: null }, counts);
    await screen.findByTestId('queue');
    fireEvent.click(screen.getByRole('button', { name: 'author-1' }));
    await waitFor(() =>
      expect(screen.getByTestId('location').textContent).toContain('authorId=author-1'),
    );
    expect((screen.getByLabelText('Author') as HTMLInputElement).value).toBe('author-1');
    fireEvent.change(screen.getByLabelText('Flagged'), { target: { value: '1h' } });
    await waitFor(() => expect(screen.getByTestId('location').textContent).toContain('since=1h'));
    await waitFor(() => {
      const last = requests.filter((r) => /\/flags\?/.test(r)).pop() ?? '';
      const from = new URL(last, 'http://x').searchParams.get('from');
      expect(new URL(last, 'http://x').searchParams.get('authorId')).toBe('author-1');
      expect(Date.now() - Date.parse(from ?? '')).toBeGreaterThanOrEqual(3_600_000);
      expect(Date.now() - Date.parse(from ?? '')).toBeLessThan(3_660_000);
    });
  });

  it('keeps both of two filters changed before the address catches up', async () => {
    const requests = renderQueue({ items: [flag(1)], nextCursor: null }, counts);
    await screen.findByTestId('queue');
    // One act: both changes run before the page renders the first one's address.
    act(() => {
      fireEvent.change(screen.getByLabelText('Min score'), { target: { value: '0.7' } });
      fireEvent.change(screen.getByLabelText('Flagged'), { target: { value: '1h' } });
    });
    await waitFor(() => {
      const where = screen.getByTestId('location').textContent ?? '';
      expect(where).toContain('minScore=0.7');
      expect(where).toContain('since=1h');
    });
    await waitFor(() =>
      expect(requests.some((r) => /\/flags\?.*minScore=0\.7/.test(r) && r.includes('from='))).toBe(
        true,
      ),
    );
  });

  it('clears every filter at once', async () => {
    renderQueue({ items: [flag(1)], nextCursor: null }, counts, '/?category=pii&minScore=0.7');
    await screen.findByTestId('queue');
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/'));
    expect(screen.queryByRole('button', { name: 'Clear filters' })).toBeNull();
  });

  it('saves the current filters as a named view, shows it as active, and deletes it', async () => {
    const requests = renderQueue(
      { items: [flag(1)], nextCursor: null },
      counts,
      '/?sort=severity&category=pii',
    );
    await screen.findByTestId('queue');
    fireEvent.click(screen.getByRole('button', { name: 'Save this view' }));
    fireEvent.change(screen.getByLabelText('View name'), { target: { value: 'PII, worst first' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const views = await screen.findByRole('navigation', { name: 'Saved views' });
    const link = await within(views).findByRole('link', { name: 'PII, worst first' });
    expect(link.getAttribute('href')).toBe('/?category=pii&sort=severity');
    expect(link.parentElement?.className).toContain('active');
    expect(requests.find((r) => r.startsWith('PATCH'))).toContain(
      '{"savedViews":[{"name":"PII, worst first","query":"category=pii&sort=severity"}]}',
    );
    fireEvent.click(within(views).getByRole('button', { name: 'Delete view PII, worst first' }));
    await waitFor(() => expect(within(views).queryByRole('link')).toBeNull());
    expect(requests.filter((r) => r.startsWith('PATCH')).pop()).toContain('{"savedViews":[]}');
  });
});
