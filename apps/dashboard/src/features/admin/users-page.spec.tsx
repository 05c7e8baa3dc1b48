import type { UserDto } from '@sieve/contracts';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { renderWithSystem } from '../../testing/render';
import { UsersPage } from './users-page';

const user = (id: string, displayName: string, email: string): UserDto =>
  ({ id, displayName, email, role: 'reviewer', disabled: false }) as UserDto;

describe('UsersPage: a new password for someone who lost theirs', () => {
  let sent: { path: string; body: unknown }[];
  let answer: { status: number; body: unknown };
  beforeEach(() => {
    sent = [];
    answer = { status: 204, body: undefined };
    global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const path = new URL(String(input), 'http://sieve.test').pathname;
      if (init?.method === 'POST' || init?.method === 'DELETE') {
        sent.push({ path, body: init.body ? JSON.parse(String(init.body)) : init.method });
        return {
          status: answer.status,
          ok: answer.status < 400,
          json: async () => answer.body,
        } as Response;
      }
      const body = path.endsWith('/users')
        ? [
            {
              ...user('me', 'Rita', 'r@sieve.local'),
              lastSignInAt: new Date(Date.now() - 5 * 60_000).toISOString(),
            },
            { ...user('u-fran', 'Fran', 'f@sieve.local'), lastSignInAt: null },
            {
              ...user('u-nia', 'Nia', 'n@sieve.local'),
              lastSignInAt: null,
              mustChangePassword: true,
              secondFactorEnabled: true,
              securityKeys: 2,
            },
          ]
        : { user: { id: 'me', role: 'admin' }, csrfToken: 'csrf' };
      return { status: 200, ok: true, json: async () => body } as Response;
    }) as typeof fetch;
  });
  const open = () =>
    renderWithSystem(
      <MemoryRouter>
        <UsersPage />
      </MemoryRouter>,
    );

  it('sets it after asking, and says the user was signed out', async () => {
    open();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Set new password for f@sieve.local' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Set a new password' });
    expect(dialog.textContent).toContain('Fran (f@sieve.local)');
    fireEvent.change(within(dialog).getByLabelText(/New password/), {
      target: { value: 'replacement-passphrase-77' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Set password' }));
    await screen.findByText(/Fran has a new password and was signed out everywhere/);
    expect(screen.getByTestId('users-status').textContent).toContain(
      'Sieve asks them to choose their own before anything else',
    );
    expect(sent).toStrictEqual([
      {
        path: '/api/users/u-fran/password',
        body: { password: 'replacement-passphrase-77', mustChangePassword: true },
      },
    ]);
    expect(screen.queryByRole('dialog', { name: 'Set a new password' })).toBeNull();
  });

  it('shows why a password is refused, and keeps the dialog open', async () => {
    answer = { status: 422, body: { statusCode: 422, message: 'This password is too common' } };
    open();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Set new password for f@sieve.local' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Set a new password' });
    fireEvent.change(within(dialog).getByLabelText(/New password/), {
      target: { value: 'password1234' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Set password' }));
    await waitFor(() =>
      expect(within(dialog).getByRole('alert').textContent).toContain('too common'),
    );
  });

  it('says when each user last signed in, or that they never did', async () => {
    open();
    await screen.findByText('f@sieve.local');
    const cells = (email: string) =>
      [...(screen.getByText(email).closest('tr') as HTMLElement).querySelectorAll('td')].map(
        (td) => td.textContent,
      );
    expect(cells('f@sieve.local')[3]).toBe('never');
    expect(cells('r@sieve.local')[3]).toMatch(/^\d+ min ago$/);
  });

  it('sends an admin to the account page for their own password', async () => {
    open();
    await screen.findByText('f@sieve.local');
    await waitFor(() =>
      expect(screen.getByRole('link', { name: 'Change yours' }).getAttribute('href')).toBe(
        '/account',
      ),
    );
    expect(screen.queryByRole('button', { name: 'Set new password for r@sieve.local' })).toBeNull();
  });

  it('can hand over a password to keep, and says whose password is still the one an admin set', async () => {
    open();
    const nia = (await screen.findByText('n@sieve.local')).closest('tr') as HTMLElement;
    expect(nia.textContent).toContain('Set by an admin, to be changed at sign-in');
    const fran = screen.getByText('f@sieve.local').closest('tr') as HTMLElement;
    expect(fran.textContent).not.toContain('Set by an admin');

    fireEvent.click(screen.getByRole('button', { name: 'Set new password for f@sieve.local' }));
    const dialog = screen.getByRole('dialog', { name: 'Set a new password' });
    fireEvent.change(within(dialog).getByLabelText(/New password/), {
      target: { value: 'replacement-passphrase-77' },
    });
    fireEvent.click(
      within(dialog).getByLabelText(
        'They choose their own password when they sign in with this one',
      ),
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Set password' }));
    await screen.findByText(/Fran has a new password/);
    expect(sent).toStrictEqual([
      {
        path: '/api/users/u-fran/password',
        body: { password: 'replacement-passphrase-77', mustChangePassword: false },
      },
    ]);
  });

  it('adds a user who chooses their own password when they first sign in', async () => {
    answer = { status: 201, body: user('u-new', 'Ola', 'o@sieve.local') };
    open();
    const form = await screen.findByRole('form', { name: 'Add a user' });
    fireEvent.change(within(form).getByLabelText('E-mail'), { target: { value: 'o@sieve.local' } });
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'Ola' } });
    fireEvent.change(within(form).getByLabelText(/Initial password/), {
      target: { value: 'first-long-passphrase-42' },
    });
    expect(
      (
        within(form).getByLabelText(
          'They choose their own password when they first sign in',
        ) as HTMLInputElement
      ).checked,
    ).toBe(true);
    fireEvent.click(within(form).getByRole('button', { name: 'Add user' }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toStrictEqual({
      path: '/api/users',
      body: {
        email: 'o@sieve.local',
        displayName: 'Ola',
        role: 'reviewer',
        password: 'first-long-passphrase-42',
        mustChangePassword: true,
      },
    });
  });

  it('removes the two-step sign-in of someone who lost their phone, after asking', async () => {
    open();
    const nia = (await screen.findByText('n@sieve.local')).closest('tr') as HTMLElement;
    const fran = screen.getByText('f@sieve.local').closest('tr') as HTMLElement;
    expect(within(fran).queryByRole('button', { name: /Remove two-step/ })).toBeNull();
    // Whether their keys are there too (a role may have to sign in with one).
    expect(nia.textContent).toContain('on · 2 security keys');
    fireEvent.click(
      within(nia).getByRole('button', { name: 'Remove two-step sign-in of n@sieve.local' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Remove two-step sign-in' });
    expect(dialog.textContent).toContain('Nia');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    await screen.findByText(/Nia’s two-step sign-in was removed/);
    expect(sent).toStrictEqual([{ path: '/api/users/u-nia/second-factor', body: 'DELETE' }]);
  });
});
