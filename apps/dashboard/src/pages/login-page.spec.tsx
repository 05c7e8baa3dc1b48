import { fireEvent, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { renderWithSystem, reviewerSession } from '../testing/render';
import { LoginPage } from './login-page';

describe('LoginPage: two-step sign-in', () => {
  let sent: unknown[];
  beforeEach(() => {
    sent = [];
    global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const path = new URL(String(input), 'http://sieve.test').pathname;
      if (path === '/api/auth/me')
        return { status: 401, ok: false, json: async () => ({ statusCode: 401 }) } as Response;
      const body = JSON.parse(String(init?.body)) as { code?: string };
      sent.push(body);
      if (!body.code)
        return {
          status: 401,
          ok: false,
          json: async () => ({
            statusCode: 401,
            message: 'Enter the code from your authenticator app',
            code: 'second_factor_required',
          }),
        } as Response;
      if (body.code !== '123456')
        return {
          status: 401,
          ok: false,
          json: async () => ({
            statusCode: 401,
            message: 'That code is not right, or was already used',
            code: 'second_factor_wrong',
          }),
        } as Response;
      return { status: 200, ok: true, json: async () => reviewerSession() } as Response;
    }) as typeof fetch;
  });

  it('asks for the code only when the account has a second factor, then sends it with the password', async () => {
    renderWithSystem(
      <MemoryRouter>
        <LoginPage />
      </MemoryRouter>,
    );
    fireEvent.change(await screen.findByLabelText('E-mail'), {
      target: { value: 'r@sieve.local' },
    });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'a-long-password' } });
    expect(screen.queryByLabelText(/Code from your authenticator app/)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    const code = await screen.findByLabelText(/Code from your authenticator app/);
    expect(screen.getByRole('status').textContent).toContain('This account signs in in two steps');
    // Being asked for the code is not an error.
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.change(code, { target: { value: '654321' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe(
        'That code is not right, or was already used',
      ),
    );
    fireEvent.change(code, { target: { value: '123456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(sent).toHaveLength(3));
    expect(sent).toStrictEqual([
      { email: 'r@sieve.local', password: 'a-long-password' },
      { email: 'r@sieve.local', password: 'a-long-password', code: '654321' },
      { email: 'r@sieve.local', password: 'a-long-password', code: '123456' },
    ]);
  });
});
