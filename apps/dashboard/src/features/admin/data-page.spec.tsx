import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderWithSystem } from '../../testing/render';
import { DataPage } from './data-page';

describe('DataPage erasure', () => {
  let calls: { method: string; url: string; body?: unknown }[];
  let storedPosts: number;
  let listed: object[];
  let erasedInBackground: boolean;

  beforeEach(() => {
    calls = [];
    storedPosts = 3;
    listed = [];
    erasedInBackground = false;
    global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      const method = init?.method ?? 'GET';
      calls.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
      const reply = (status: number, body: unknown) =>
        ({ status, ok: status < 400, json: async () => body }) as Response;
      if (url.includes('/authors/erasures/preview')) {
        const query = new URL(url, 'http://sieve.test').searchParams;
        return reply(200, {
          source: query.get('source'),
          authorId: query.get('authorId'),
          storedPosts,
          flaggedPosts: storedPosts > 0 ? 1 : 0,
        });
      }
      if (url.endsWith('/authors/erasures') && method === 'POST')
        return erasedInBackground
          ? reply(202, { id: 'e1', authorId: 'jane', eventsErased: 2_000, completedAt: null })
          : reply(201, {
              id: 'e1',
              authorId: 'jane',
              eventsErased: storedPosts,
              completedAt: '2026-12-06T10:00:01Z',
            });
      if (url.endsWith('/authors/erasures')) return reply(200, listed);
      return reply(503, { message: 'not in this test' });
    }) as typeof fetch;
  });

  const fillIn = (authorId: string) => {
    fireEvent.change(screen.getByLabelText('Source'), { target: { value: ' forum ' } });
    fireEvent.change(screen.getByLabelText('Author id'), { target: { value: authorId } });
    fireEvent.change(screen.getByLabelText('Request reference or reason'), {
      target: { value: 'GDPR request #7' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Review erasure…' }));
  };
  const erasePosts = () => calls.filter((c) => c.method === 'POST');

  it('shows what would be erased and erases only on the second click', async () => {
    renderWithSystem(<DataPage />);
    expect(await screen.findByText('No erasure requests yet.')).toBeTruthy();
    fillIn('jane');
    const preview = await screen.findByTestId('erasure-preview');
    expect(preview.textContent).toBe(
      'Erase the text of 3 stored posts by jane on forum (1 flagged: their decisions stay)? This cannot be undone.',
    );
    expect(erasePosts()).toHaveLength(0);

    fireEvent.click(screen.getByRole('button', { name: 'Erase permanently' }));
    await waitFor(() => expect(erasePosts()).toHaveLength(1));
    expect(erasePosts()[0].body).toStrictEqual({
      source: 'forum',
      authorId: 'jane',
      reason: 'GDPR request #7',
    });
    expect(await screen.findByText('Erased 3 posts by jane.')).toBeTruthy();
    expect(screen.queryByTestId('erasure-preview')).toBeNull();
  });

  it('says when a prolific author’s erasure goes on in the background, and follows it', async () => {
    storedPosts = 250_000;
    erasedInBackground = true;
    const erasure = {
      id: 'e1',
      source: 'forum',
      authorId: 'jane',
      reason: 'GDPR request #7',
      requestedBy: 'admin@sieve.local',
      requestedAt: '2026-12-06T10:00:00Z',
      eventsErased: 2_000,
      completedAt: null,
    };
    listed = [erasure];
    renderWithSystem(<DataPage />);
    const row = await screen.findByText(/so far, erasing…/);
    expect(row.closest('td')?.textContent).toBe('2,000 so far, erasing…');
    fillIn('jane');
    fireEvent.click(await screen.findByRole('button', { name: 'Erase permanently' }));
    expect(
      await screen.findByText(
        'Erasing the posts by jane in the background: the list below shows its progress.',
      ),
    ).toBeTruthy();
    // The list is read again while an erasure runs, until it is done.
    listed = [{ ...erasure, eventsErased: 250_000, completedAt: '2026-12-06T10:01:00Z' }];
    const done = await screen.findByText('250,000', {}, { timeout: 5_000 });
    expect(done.closest('td')?.textContent).toBe('250,000');
  });

  it('says when nothing matches, and a changed field asks for a new review', async () => {
    storedPosts = 0;
    renderWithSystem(<DataPage />);
    fillIn('jnae');
    expect((await screen.findByTestId('erasure-preview')).textContent).toContain(
      'No stored post by jnae on forum has text left to erase',
    );
    fireEvent.change(screen.getByLabelText('Author id'), { target: { value: 'jane' } });
    expect(screen.queryByTestId('erasure-preview')).toBeNull();
    expect(erasePosts()).toHaveLength(0);
  });
});
