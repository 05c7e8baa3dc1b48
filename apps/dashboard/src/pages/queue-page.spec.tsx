import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import type { FlagCountsDto, FlagPageDto, FlagSummaryDto, SessionDto } from '@sieve/contracts';
import { queryKeys } from '../hooks/query-keys';
import { SYSTEM_INFO } from '../testing/render';
import { QueuePage } from './queue-page';

const HOUR = 3_600_000;
const flag = (n: number, extra: Partial<FlagSummaryDto> = {}): FlagSummaryDto => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  status: 'open',
  autoDecision: 'review',
  triggered: [{ category: 'pii', score: 0.8, threshold: 0.5, action: 'review' }],
  maxScore: 0.8,
  createdAt: new Date(Date.now() - n * 60_000).toISOString(),
  claim: null,
  finalAction: null,
  event: {
    source: 'forum',
    eventId: `e-${n}`,
    authorId: `author-${n}`,
    text: `post number ${n}`,
    lang: 'en',
    context: null,
    createdAt: new Date().toISOString(),
  },
  ...extra,
});

const session: SessionDto = {
  user: {
    id: 'me',
    email: 'r@sieve.local',
    displayName: 'Rita',
    role: 'reviewer',
    disabled: false,
    preferences: { blurSensitive: false },
    createdAt: new Date().toISOString(),
  },
  csrfToken: 'csrf',
};

function Where() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

/** The page against a fake api: `pages` answers GET /flags, `counts` GET /flags/counts. */
function renderQueue(page: FlagPageDto, counts: FlagCountsDto, url = '/') {
  const requests: string[] = [];
  global.fetch = jest.fn(async (input: RequestInfo | URL) => {
    const path = String(input);
    requests.push(path);
    const body = path.includes('/flags/counts') ? counts : page;
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
});
