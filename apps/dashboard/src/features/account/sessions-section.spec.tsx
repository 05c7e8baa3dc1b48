import type { SignedInSessionDto } from '@sieve/contracts';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderWithSystem } from '../../testing/render';
import { SessionsSection } from './sessions-section';

const session = (id: string, userAgent: string, current = false): SignedInSessionDto => ({
  id,
  ip: current ? '203.0.113.7' : '198.51.100.4',
  userAgent,
  createdAt: new Date(Date.now() - 3 * 3_600_000).toISOString(),
  lastSeenAt: new Date(Date.now() - 10 * 60_000).toISOString(),
  expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  current,
});

describe('SessionsSection (the account page)', () => {
  let sent: string[];
  let listed: SignedInSessionDto[];
  beforeEach(() => {
    sent = [];
    listed = [
      session('s-here', 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', true),
      session('s-phone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1'),
      session('s-office', 'Mozilla/5.0 (Windows NT 10.0) Chrome/140.0 Safari/537.36'),
    ];
    global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const path = new URL(String(input), 'http://sieve.test').pathname;
      const method = init?.method ?? 'GET';
      if (method === 'GET') return { status: 200, ok: true, json: async () => listed } as Response;
      sent.push(`${method} ${path}`);
      if (path === '/api/auth/sessions') {
        listed = listed.filter((s) => s.current);
        return { status: 200, ok: true, json: async () => ({ ended: 1 }) } as Response;
      }
      listed = listed.filter((s) => !path.endsWith(s.id));
      return { status: 204, ok: true, json: async () => undefined } as Response;
    }) as typeof fetch;
  });

  it('shows each device, ends one, then every other', async () => {
    renderWithSystem(<SessionsSection />);
    const table = await screen.findByTestId('signed-in-sessions');
    await within(table).findByText('Safari on iPhone');
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent));
    expect(rows).toStrictEqual([
      ['Firefox on Linux', '203.0.113.7', '3 h ago', 'now', 'This browser'],
      ['Safari on iPhone', '198.51.100.4', '3 h ago', '10 min ago', 'End session'],
      ['Chrome on Windows', '198.51.100.4', '3 h ago', '10 min ago', 'End session'],
    ]);
    fireEvent.click(
      screen.getByRole('button', { name: 'End session of Safari on iPhone at 198.51.100.4' }),
    );
    await waitFor(() => expect(within(table).queryByText('Safari on iPhone')).toBeNull());
    expect(screen.getByRole('status').textContent).toBe('That session ended: it is signed out.');
    fireEvent.click(screen.getByRole('button', { name: 'End every other session' }));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(2));
    expect(screen.getByRole('status').textContent).toBe('1 other session ended.');
    expect(
      (screen.getByRole('button', { name: 'End every other session' }) as HTMLButtonElement)
        .disabled,
    ).toBe(true);
    expect(sent).toStrictEqual(['DELETE /api/auth/sessions/s-phone', 'DELETE /api/auth/sessions']);
  });
});
