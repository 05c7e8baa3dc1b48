import type { SessionDto } from '@sieve/contracts';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useSession } from '../../hooks/use-session';
import { renderWithSystem, reviewerSession } from '../../testing/render';
import { SecondFactorSection } from './second-factor-section';

/** As on the account page: the section follows the session, which it refreshes when done. */
function AccountSection() {
  const session = useSession();
  return session.data ? <SecondFactorSection session={session.data} /> : null;
}

const CODES = Array.from({ length: 10 }, (_, i) => `abcde-${String(i).padStart(5, 'x')}`);

describe('SecondFactorSection (the account page)', () => {
  let sent: { method: string; path: string; body: unknown }[];
  let answers: Record<string, { status: number; body: unknown }>;
  beforeEach(() => {
    sent = [];
    answers = {
      '/api/auth/second-factor/setup': {
        status: 200,
        body: {
          secret: 'JBSWY3DPEHPK3PXP',
          otpauthUrl: 'otpauth://totp/Sieve:r%40sieve.local?secret=JBSWY3DPEHPK3PXP',
          qrCodeSvg: '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0h1v1H0z"/></svg>',
        },
      },
      '/api/auth/second-factor': { status: 200, body: { recoveryCodes: CODES } },
      '/api/auth/second-factor/recovery-codes': { status: 200, body: { recoveryCodes: CODES } },
      '/api/auth/second-factor/disable': {
        status: 409,
        body: {
          statusCode: 409,
          message: 'Your role requires a second factor: it cannot be turned off',
          code: 'second_factor_required_by_role',
        },
      },
    };
    global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const path = new URL(String(input), 'http://sieve.test').pathname;
      sent.push({
        method: init?.method ?? 'GET',
        path,
        body: init?.body ? JSON.parse(String(init.body)) : undefined,
      });
      const answer = answers[path] ?? { status: 200, body: reviewerSession() };
      return {
        status: answer.status,
        ok: answer.status < 400,
        json: async () => answer.body,
      } as Response;
    }) as typeof fetch;
  });

  it('sets up an app: the QR code and key, a first code, then the recovery codes once', async () => {
    renderWithSystem(<AccountSection />);
    expect(await screen.findByText(/Off: your password alone signs you in/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Set up an authenticator app' }));
    const qr = (await screen.findByAltText(
      'QR code for your authenticator app',
    )) as HTMLImageElement;
    expect(decodeURIComponent(qr.src)).toContain('<path d="M0 0h1v1H0z"/>');
    expect(screen.getByTestId('second-factor-key').textContent).toBe('JBSWY3DPEHPK3PXP');
    fireEvent.change(screen.getByLabelText('2. The 6-digit code the app shows'), {
      target: { value: '123456' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Turn on two-step sign-in' }));
    const codes = await screen.findByTestId('recovery-codes');
    expect(
      within(codes)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toStrictEqual(CODES);
    expect(screen.queryByText(/Off: your password alone/)).toBeNull();
    const download = screen.getByRole('link', { name: 'Download as a text file' });
    expect(decodeURIComponent(download.getAttribute('href') ?? '')).toContain(CODES.join('\n'));
    expect(sent.slice(0, 3)).toStrictEqual([
      { method: 'GET', path: '/api/auth/me', body: undefined },
      { method: 'POST', path: '/api/auth/second-factor/setup', body: undefined },
      { method: 'POST', path: '/api/auth/second-factor', body: { code: '123456' } },
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'I have saved them' }));
    await waitFor(() => expect(sent.at(-1)?.path).toBe('/api/auth/me'));
  });

  it('when on: says how many recovery codes are left, renews them and says why it cannot be turned off', async () => {
    const session: SessionDto = {
      ...reviewerSession(),
      recoveryCodesLeft: 2,
    };
    session.user = { ...session.user, secondFactorEnabled: true };
    renderWithSystem(<SecondFactorSection session={session} />);
    expect(screen.getByText(/2 recovery codes left: make new ones/)).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Turn off two-step sign-in' }));
    const off = screen.getByRole('form', { name: 'Turn off two-step sign-in' });
    fireEvent.change(within(off).getByLabelText('Your password'), {
      target: { value: 'my-password' },
    });
    fireEvent.click(within(off).getByRole('button', { name: 'Turn off' }));
    await waitFor(() =>
      expect(within(off).getByRole('alert').textContent).toContain('Your role requires'),
    );
    fireEvent.click(within(off).getByRole('button', { name: 'Cancel' }));

    fireEvent.click(screen.getByRole('button', { name: 'New recovery codes' }));
    const renew = screen.getByRole('form', { name: 'New recovery codes' });
    fireEvent.change(within(renew).getByLabelText('Your password'), {
      target: { value: 'my-password' },
    });
    fireEvent.click(within(renew).getByRole('button', { name: 'Make new recovery codes' }));
    await screen.findByTestId('recovery-codes');
    expect(sent.filter((s) => s.method === 'POST')).toStrictEqual([
      {
        method: 'POST',
        path: '/api/auth/second-factor/disable',
        body: { password: 'my-password' },
      },
      {
        method: 'POST',
        path: '/api/auth/second-factor/recovery-codes',
        body: { password: 'my-password' },
      },
    ]);
  });
});
