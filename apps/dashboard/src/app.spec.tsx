import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { App } from './app';
import { renderWithSystem, reviewerSession } from './testing/render';

jest.mock('./api/webauthn', () => ({
  makeSecurityKey: jest.fn(async () => ({ id: 'made' })),
  signWithSecurityKey: jest.fn(),
  onAnIpAddress: () => false,
}));

describe('App: a password an admin set', () => {
  let requests: string[];
  let mustChange: boolean;

  /** Answers every call with `bodyFor` its path and method (200), recording them in `requests`. */
  function serve(bodyFor: (path: string, method: string) => unknown) {
    global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const path = new URL(String(input), 'http://sieve.test').pathname;
      const method = init?.method ?? 'GET';
      requests.push(`${method} ${path}`);
      const body = bodyFor(path, method) ?? {};
      return { status: 200, ok: true, json: async () => body } as Response;
    }) as typeof fetch;
  }

  const renderAccountPage = () =>
    renderWithSystem(
      <MemoryRouter initialEntries={['/account']}>
        <App />
      </MemoryRouter>,
    );
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
          : path === '/api/auth/sessions'
            ? []
            : {};
      return { status: 200, ok: true, json: async () => body } as Response;
    }) as typeof fetch;
  });

  it('asks for one of their own before any page, and calls nothing else meanwhile', async () => {
    renderAccountPage();
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

  it('holds someone whose role requires a second factor at setting one up', async () => {
    mustChange = false;
    let enabled = false;
    serve((path) => {
      const session = reviewerSession();
      const bodies: Record<string, unknown> = {
        '/api/auth/me': { ...session, mustSetUpSecondFactor: !enabled },
        '/api/auth/second-factor/setup': {
          secret: 'JBSWY3DPEHPK3PXP',
          otpauthUrl: 'otpauth://totp/Sieve:r?secret=JBSWY3DPEHPK3PXP',
          qrCodeSvg: '<svg xmlns="http://www.w3.org/2000/svg"/>',
        },
        '/api/auth/second-factor': { recoveryCodes: ['abcde-fghjk'] },
        '/api/auth/sessions': [],
      };
      if (path === '/api/auth/second-factor') enabled = true;
      return bodies[path];
    });
    renderAccountPage();
    await screen.findByRole('heading', { name: 'Set up two-step sign-in' });
    expect(screen.queryByRole('link', { name: 'Queue' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Set up an authenticator app' }));
    fireEvent.change(await screen.findByLabelText('2. The 6-digit code the app shows'), {
      target: { value: '123456' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Turn on two-step sign-in' }));
    // The recovery codes stay on screen until they are saved, then the page asked for opens.
    fireEvent.click(await screen.findByRole('button', { name: 'I have saved them' }));
    await screen.findByRole('heading', { name: 'Your account' });
    expect(requests.slice(0, 4)).toStrictEqual([
      'GET /api/auth/me',
      'POST /api/auth/second-factor/setup',
      'POST /api/auth/second-factor',
      'GET /api/auth/me',
    ]);
  });

  it('then, where the role signs in with a key, holds them at adding one', async () => {
    mustChange = false;
    let added = false;
    serve((path, method) => {
      const session = reviewerSession();
      const key = { id: 'k1', name: 'Blue key', createdAt: new Date().toISOString() };
      const bodies: Record<string, unknown> = {
        '/api/auth/me': { ...session, mustAddSecurityKey: !added },
        '/api/auth/second-factor/security-keys':
          method === 'POST' ? key : { available: true, keys: added ? [key] : [] },
        '/api/auth/second-factor/security-keys/options': { challenge: 'c1' },
        '/api/auth/sessions': [],
      };
      if (path === '/api/auth/second-factor/security-keys' && method === 'POST') added = true;
      return bodies[path];
    });
    renderAccountPage();
    await screen.findByRole('heading', { name: 'Add a security key' });
    expect(screen.queryByRole('link', { name: 'Queue' })).toBeNull();
    fireEvent.change(await screen.findByLabelText('Name it'), { target: { value: 'Blue key' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add a security key' }));
    await screen.findByRole('heading', { name: 'Your account' });
    // Nothing but the key's routes until the session says it is done.
    const asked = requests.indexOf('GET /api/auth/me', 1);
    expect(new Set(requests.slice(1, asked))).toStrictEqual(
      new Set([
        'GET /api/auth/second-factor/security-keys',
        'POST /api/auth/second-factor/security-keys/options',
        'POST /api/auth/second-factor/security-keys',
      ]),
    );
  });
});
