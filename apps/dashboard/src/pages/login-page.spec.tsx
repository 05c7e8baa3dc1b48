import { fireEvent, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { renderWithSystem, reviewerSession } from '../testing/render';
import {
  cancelPasskeyAutofill,
  passkeyFromAutofill,
  signWithSecurityKey,
  supportsPasskeyAutofill,
} from '../api/webauthn';
import { AUTOFILL_RENEW_MS } from '../hooks/use-passkey-autofill';
import { LoginPage } from './login-page';

jest.mock('../api/webauthn', () => ({
  signWithSecurityKey: jest.fn(),
  onAnIpAddress: () => false,
  supportsPasskeyAutofill: jest.fn(async () => false),
  passkeyFromAutofill: jest.fn(),
  cancelPasskeyAutofill: jest.fn(),
}));
const signed = jest.mocked(signWithSecurityKey);
let methods = { password: true, passkey: false };

const ok = (json: unknown) => ({ status: 200, ok: true, json: async () => json }) as Response;
const refuse = (json: object) =>
  ({ status: 401, ok: false, json: async () => ({ statusCode: 401, ...json }) }) as Response;

/**
 * The api as a signed-out browser meets it: no session, `methods` to sign in with; every other
 * call (its path and JSON body) goes to `answer`.
 */
function signedOutApi(answer: (path: string, body: string | undefined) => Response) {
  global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = new URL(String(input), 'http://sieve.test').pathname;
    if (path === '/api/auth/me') return refuse({});
    if (path === '/api/auth/sign-in-methods') return ok(methods);
    return answer(path, init?.body as string | undefined);
  }) as typeof fetch;
}

const renderLoginPage = () =>
  renderWithSystem(
    <MemoryRouter>
      <LoginPage />
    </MemoryRouter>,
  );

/** Types an e-mail and the password, and presses Sign in. */
async function submitPassword(email = 'r@sieve.local') {
  fireEvent.change(await screen.findByLabelText('E-mail'), { target: { value: email } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'a-long-password' } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('LoginPage: two-step sign-in', () => {
  let sent: unknown[];
  beforeEach(() => {
    sent = [];
    signedOutApi((_path, json) => {
      const body = JSON.parse(String(json)) as { code?: string };
      sent.push(body);
      if (!body.code)
        return refuse({
          message: 'Enter the code from your authenticator app',
          code: 'second_factor_required',
        });
      if (body.code !== '123456')
        return refuse({
          message: 'That code is not right, or was already used',
          code: 'second_factor_wrong',
        });
      return ok(reviewerSession());
    });
  });

  it('asks for the code only when the account has a second factor, then sends it with the password', async () => {
    renderLoginPage();
    await screen.findByLabelText('E-mail');
    expect(screen.queryByLabelText(/Code from your authenticator app/)).toBeNull();
    await submitPassword();

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

describe('LoginPage: a security key in place of the code', () => {
  let sent: Record<string, unknown>[];
  let challenges: number;
  beforeEach(() => {
    sent = [];
    challenges = 0;
    signed.mockReset();
    signed.mockImplementation(async (options) => ({ signed: options.challenge }) as never);
    signedOutApi((_path, json) => {
      const body = JSON.parse(String(json)) as Record<string, unknown>;
      sent.push(body);
      if (!body['securityKey'] && !body['code'])
        return refuse({
          message: 'Use your security key, or enter the code from your authenticator app',
          code: 'second_factor_required',
          details: { securityKey: { challenge: `c${++challenges}`, rpId: 'sieve.test' } },
        });
      // The first signature is refused (say, a key of another account); the next one is good.
      if (sent.filter((b) => b['securityKey']).length === 1)
        return refuse({
          message: 'That security key was not accepted: try again, or use a code',
          code: 'security_key_wrong',
        });
      return ok(reviewerSession());
    });
  });

  it('signs the challenge the api handed out, and asks for a fresh one after a refusal', async () => {
    renderLoginPage();
    await submitPassword();
    const useKey = await screen.findByRole('button', { name: 'Use your security key' });
    expect(screen.getByRole('status').textContent).toContain('use your security key');
    fireEvent.click(useKey);
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe(
        'That security key was not accepted: try again, or use a code',
      ),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Use your security key' }));
    await waitFor(() => expect(sent).toHaveLength(4));
    const account = { email: 'r@sieve.local', password: 'a-long-password' };
    expect(sent).toStrictEqual([
      account,
      { ...account, securityKey: { signed: 'c1' } },
      // c1 is spent: the password alone hands out c2.
      account,
      { ...account, securityKey: { signed: 'c2' } },
    ]);
    expect(signed.mock.calls.map(([options]) => options.challenge)).toStrictEqual(['c1', 'c2']);
  });

  it('says why when the key does not answer, and keeps the challenge for another try', async () => {
    signed.mockRejectedValueOnce(
      new Error('The security key did not answer: it was cancelled or timed out. Try again.'),
    );
    renderLoginPage();
    await submitPassword();
    fireEvent.click(await screen.findByRole('button', { name: 'Use your security key' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toContain('cancelled or timed out'),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Use your security key' }));
    await waitFor(() => expect(sent).toHaveLength(2));
    expect(signed.mock.calls.map(([options]) => options.challenge)).toStrictEqual(['c1', 'c1']);
  });
});

describe('LoginPage: a role that signs in with a key', () => {
  it('asks for the key or a recovery code, and says so when an app code is refused', async () => {
    const sent: Record<string, unknown>[] = [];
    let challenges = 0;
    signedOutApi((_path, json) => {
      const body = JSON.parse(String(json)) as Record<string, unknown>;
      sent.push(body);
      const details = { securityKey: { challenge: `c${++challenges}` }, appCode: false };
      if (!body['code'])
        return refuse({
          message: 'Use your security key (lost it? enter one of your recovery codes)',
          code: 'second_factor_required',
          details,
        });
      if (body['code'] === '123456')
        return refuse({
          message: 'Your role signs in with a security key, not an app code',
          code: 'security_key_required',
          details,
        });
      return ok(reviewerSession());
    });
    renderLoginPage();
    await submitPassword('p@sieve.local');
    const code = await screen.findByLabelText('Recovery code');
    expect(screen.getByRole('status').textContent).toBe(
      'This account signs in with a security key: use it. Lost it? Enter one of your recovery codes.',
    );
    expect(screen.getByRole('button', { name: 'Use your security key' })).toBeTruthy();
    fireEvent.change(code, { target: { value: '123456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in with the recovery code' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe(
        'Your role signs in with a security key, not an app code',
      ),
    );
    fireEvent.change(code, { target: { value: 'abcde-fghjk' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in with the recovery code' }));
    await waitFor(() => expect(sent).toHaveLength(3));
    expect(sent[2]).toStrictEqual({
      email: 'p@sieve.local',
      password: 'a-long-password',
      code: 'abcde-fghjk',
    });
  });
});

describe('LoginPage: a passkey alone', () => {
  beforeEach(() => {
    signed.mockReset();
    signed.mockImplementation(async (options) => ({ signed: options.challenge }) as never);
  });
  afterEach(() => {
    methods = { password: true, passkey: false };
    jest.mocked(supportsPasskeyAutofill).mockResolvedValue(false);
  });

  it("offers it only where the server takes keys, and signs in with the passkey's answer", async () => {
    const sent: string[] = [];
    signedOutApi((path, body) => {
      sent.push(`${path} ${body ?? ''}`);
      if (path === '/api/auth/passkey/options')
        return ok({ challenge: 'pk-1', rpId: 'sieve.test' });
      return ok(reviewerSession());
    });
    const { unmount } = renderLoginPage();
    await screen.findByLabelText('E-mail');
    await waitFor(() => expect(global.fetch).toHaveBeenCalledTimes(2));
    expect(screen.queryByRole('button', { name: 'Use a passkey' })).toBeNull();
    unmount();

    methods = { password: true, passkey: true };
    renderLoginPage();
    fireEvent.click(await screen.findByRole('button', { name: 'Use a passkey' }));
    await waitFor(() => expect(sent).toHaveLength(2));
    expect(sent).toStrictEqual([
      '/api/auth/passkey/options ',
      '/api/auth/passkey {"credential":{"signed":"pk-1"}}',
    ]);
  });

  it("offers passkeys in the e-mail field's autofill, renewing the challenge before it expires", async () => {
    methods = { password: true, passkey: true };
    jest.mocked(supportsPasskeyAutofill).mockResolvedValue(true);
    // The first offer runs out unpicked (its challenge is renewed); the second is picked.
    let pick: (answer: unknown) => void = () => undefined;
    jest
      .mocked(passkeyFromAutofill)
      .mockImplementationOnce(
        () =>
          new Promise((resolve) =>
            jest.mocked(cancelPasskeyAutofill).mockImplementationOnce(() => resolve(null)),
          ),
      )
      .mockImplementationOnce(() => new Promise((resolve) => (pick = resolve as never)));
    const sent: string[] = [];
    let challenges = 0;
    signedOutApi((path, body) => {
      sent.push(`${path} ${body ?? ''}`);
      if (path === '/api/auth/passkey/options') return ok({ challenge: `pk-${++challenges}` });
      return ok(reviewerSession());
    });
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
    try {
      renderLoginPage();
      expect((await screen.findByLabelText('E-mail')).getAttribute('autocomplete')).toBe(
        'username webauthn',
      );
      await waitFor(() => expect(passkeyFromAutofill).toHaveBeenCalledTimes(1));
      jest.advanceTimersByTime(AUTOFILL_RENEW_MS);
      await waitFor(() => expect(passkeyFromAutofill).toHaveBeenCalledTimes(2));
      expect(jest.mocked(passkeyFromAutofill).mock.calls.map(([o]) => o.challenge)).toStrictEqual([
        'pk-1',
        'pk-2',
      ]);
      pick({ picked: 'pk-2' });
      await waitFor(() => expect(sent).toHaveLength(3));
      expect(sent[2]).toBe('/api/auth/passkey {"credential":{"picked":"pk-2"}}');
    } finally {
      jest.useRealTimers();
    }
  });

  it('does not offer again in a loop when the browser ends the offer itself', async () => {
    methods = { password: true, passkey: true };
    jest.mocked(supportsPasskeyAutofill).mockResolvedValue(true);
    jest.mocked(passkeyFromAutofill).mockReset().mockResolvedValue(null);
    const sent: string[] = [];
    signedOutApi((path) => {
      sent.push(path);
      return ok({ challenge: 'pk-1' });
    });
    renderLoginPage();
    await waitFor(() => expect(passkeyFromAutofill).toHaveBeenCalledTimes(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(passkeyFromAutofill).toHaveBeenCalledTimes(1);
    expect(sent).toStrictEqual(['/api/auth/passkey/options']);
  });
});
