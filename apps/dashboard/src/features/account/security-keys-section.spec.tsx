import type { SecurityKeysDto } from '@sieve/contracts';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderWithSystem } from '../../testing/render';
import { makeSecurityKey, onAnIpAddress } from '../../api/webauthn';
import { SecurityKeysSection } from './security-keys-section';

// The browser's WebAuthn prompt is Chromium's (security-keys.e2e-spec); here, what the page does.
jest.mock('../../api/webauthn', () => ({
  makeSecurityKey: jest.fn(),
  onAnIpAddress: jest.fn(() => false),
}));

describe('SecurityKeysSection (the account page)', () => {
  let listed: SecurityKeysDto;
  let sent: { path: string; body: unknown }[];
  beforeEach(() => {
    sent = [];
    listed = {
      available: true,
      keys: [
        {
          id: 'k-1',
          name: 'Desk key',
          createdAt: new Date(Date.now() - 3 * 3_600_000).toISOString(),
          lastUsedAt: null,
        },
      ],
    };
    jest.mocked(onAnIpAddress).mockReturnValue(false);
    jest.mocked(makeSecurityKey).mockResolvedValue({ id: 'made' } as never);
    global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const path = new URL(String(input), 'http://sieve.test').pathname;
      const method = init?.method ?? 'GET';
      const answer = (status: number, json: unknown) =>
        ({ status, ok: status < 300, json: async () => json }) as Response;
      if (method === 'GET') return answer(200, listed);
      sent.push({ path: `${method} ${path}`, body: init?.body && JSON.parse(String(init.body)) });
      if (path.endsWith('/options')) return answer(200, { challenge: 'reg-1' });
      if (method === 'POST') {
        const key = { id: 'k-2', name: 'Spare key', createdAt: new Date().toISOString() };
        listed = { ...listed, keys: [...listed.keys, { ...key, lastUsedAt: null }] };
        return answer(201, key);
      }
      listed = { ...listed, keys: listed.keys.filter((k) => !path.endsWith(k.id)) };
      return answer(204, undefined);
    }) as typeof fetch;
  });

  it('lists the keys, adds one through the browser, and removes one', async () => {
    renderWithSystem(<SecurityKeysSection />);
    const table = await screen.findByTestId('security-keys');
    expect(
      within(table)
        .getAllByRole('row')
        .slice(1)
        .map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent)),
    ).toStrictEqual([['Desk key', '3 h ago', 'never', 'Remove']]);

    fireEvent.change(screen.getByLabelText('Name it'), { target: { value: ' Spare key ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add a security key' }));
    await screen.findByText('“Spare key” added: it signs you in from now on.');
    expect(jest.mocked(makeSecurityKey).mock.calls).toStrictEqual([[{ challenge: 'reg-1' }]]);
    await within(table).findByText('Spare key');

    fireEvent.click(screen.getByRole('button', { name: 'Remove Desk key' }));
    await screen.findByText('“Desk key” removed: it no longer signs you in.');
    await waitFor(() => expect(within(table).queryByText('Desk key')).toBeNull());
    expect(sent).toStrictEqual([
      { path: 'POST /api/auth/second-factor/security-keys/options', body: undefined },
      {
        path: 'POST /api/auth/second-factor/security-keys',
        body: { name: 'Spare key', credential: { id: 'made' } },
      },
      { path: 'DELETE /api/auth/second-factor/security-keys/k-1', body: undefined },
    ]);
  });

  it('says why no key can be added: none configured on the server, or an IP address', async () => {
    listed = { available: false, keys: [] };
    const { unmount } = renderWithSystem(<SecurityKeysSection />);
    await screen.findByText(/This server takes no security keys yet/);
    expect(screen.queryByRole('form', { name: 'Add a security key' })).toBeNull();
    unmount();

    listed = { available: true, keys: [] };
    jest.mocked(onAnIpAddress).mockReturnValue(true);
    renderWithSystem(<SecurityKeysSection />);
    await screen.findByText(/open the dashboard at its name/);
    expect(screen.queryByRole('form', { name: 'Add a security key' })).toBeNull();
  });

  it('shows the reason when the browser gets no key', async () => {
    jest
      .mocked(makeSecurityKey)
      .mockRejectedValueOnce(new Error('That security key is already added to your account.'));
    renderWithSystem(<SecurityKeysSection />);
    fireEvent.change(await screen.findByLabelText('Name it'), { target: { value: 'Again' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add a security key' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'That security key is already added to your account.',
    );
  });
});
