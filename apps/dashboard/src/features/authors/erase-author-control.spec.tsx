import { fireEvent, screen } from '@testing-library/react';
import { renderWithSystem } from '../../testing/render';
import { EraseAuthorControl } from './erase-author-control';

describe('EraseAuthorControl', () => {
  it('follows an erasure answered before it is done (202) until it completes', async () => {
    let polls = 0;
    global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      const reply = (status: number, body: unknown) =>
        ({ status, ok: status < 400, json: async () => body }) as Response;
      const erasure = { id: 'e1', source: 'forum', authorId: 'bot', eventsErased: 2_000 };
      if (url.endsWith('/authors/erasures') && init?.method === 'POST')
        return reply(202, { ...erasure, completedAt: null });
      if (url.endsWith('/authors/erasures/e1'))
        return reply(
          200,
          ++polls < 2
            ? { ...erasure, eventsErased: 4_000, completedAt: null }
            : { ...erasure, eventsErased: 250_000, completedAt: '2026-12-06T10:01:00Z' },
        );
      return reply(503, { message: 'not in this test' });
    }) as typeof fetch;

    renderWithSystem(<EraseAuthorControl source="forum" authorId="bot" erased={false} />);
    fireEvent.click(screen.getByRole('button', { name: /Erase this author's content/ }));
    fireEvent.change(screen.getByLabelText('Request reference or reason'), {
      target: { value: 'GDPR request #3' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Erase permanently' }));
    expect(
      await screen.findByText(
        "Erasing the text of this author's posts in the background: 4,000 so far.",
      ),
    ).toBeTruthy();
    expect(
      await screen.findByText(
        'Erased the text of 250,000 stored posts by this author.',
        {},
        { timeout: 5_000 },
      ),
    ).toBeTruthy();
  });
});
