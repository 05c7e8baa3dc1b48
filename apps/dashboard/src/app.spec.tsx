import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { App } from './app';
import { renderWithSystem, reviewerSession } from './testing/render';

describe('App: a password an admin set', () => {
  let requests: string[];
  let mustChange: boolean;
  beforeEach(() => {
    requests = [];
    mustChange = true;
    // The live queue's stream: nothing arrives on it here.
    global.EventSource = class extends EventTarget {
      close = jest.fn();
    } as unknown as typeof EventSource;
    global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const path = new URL(String(input), 'http://sieve.test').pathname;
      requests.push(`${init?.method ?? 'GET'} ${path}`);
      if (path === '/api/auth/password') {
        mustChange = false;
        return { status: 204, ok: true, json: async () => undefined } as Response;
      }
      const session = reviewerSession();
      const body =
        path === '/api/auth/me'
          ? { ...session, user: { ...session.user, mustChangePassword: mustChange } }
          : {};
      return { status: 200, ok: true, json: async () => body } as Response;
    }) as typeof fetch;
  });

  it('asks for one of their own before any page, and calls nothing else meanwhile', async () => {
    renderWithSystem(
      <MemoryRouter initialEntries={['/account']}>
        <App />
      </MemoryRouter>,
    );
    await screen.findByRole('heading', { name: 'Choose your own password' });
    expect(screen.queryByRole('link', { name: 'Queue' })).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Your account' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeTruthy();
    expect(requests).toStrictEqual(['GET /api/auth/me']);

    const form = screen.getByRole('form', { name: 'Your new password' });
    fireEvent.change(within(form).getByLabelText('The password you signed in with'), {
      target: { value: 'the-admins-passphrase' },
    });
    fireEvent.change(within(form).getByLabelText(/New password/), {
      target: { value: 'only-i-know-this-one' },
    });
    fireEvent.click(within(form).getByRole('button', { name: 'Save and continue' }));

    // The page they asked for, with the whole dashboard around it.
    await screen.findByRole('heading', { name: 'Your account' });
    expect(screen.getByRole('link', { name: 'Queue' })).toBeTruthy();
    await waitFor(() =>
      expect(requests.slice(0, 3)).toStrictEqual([
        'GET /api/auth/me',
        'POST /api/auth/password',
        'GET /api/auth/me',
      ]),
    );
  });
});
