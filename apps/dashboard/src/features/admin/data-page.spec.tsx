import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderWithSystem } from '../../testing/render';
import { DataPage } from './data-page';

describe('DataPage erasure', () => {
  let calls: { method: string; url: string; body?: unknown }[];
  let storedPosts: number;

  beforeEach(() => {
    calls = [];
    storedPosts = 3;
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
        return reply(201, { id: 'e1', authorId: 'jane', eventsErased: storedPosts });
      if (url.endsWith('/authors/erasures')) return reply(200, []);
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
