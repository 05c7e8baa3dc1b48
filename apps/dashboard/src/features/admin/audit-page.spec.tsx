import type { AuditEntryDto, UserDto } from '@sieve/contracts';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { renderWithSystem } from '../../testing/render';
import { AuditPage } from './audit-page';

const entry = (id: string, patch: Partial<AuditEntryDto>): AuditEntryDto => ({
  id,
  at: '2026-12-07T10:00:00.000Z',
  actorId: 'u-rita',
  actorLabel: 'r@sieve.local',
  action: 'flag.decided',
  objectType: 'flag',
  objectId: '0f1e2d3c-aaaa-bbbb-cccc-000000000001',
  ip: '10.0.0.1',
  before: null,
  after: null,
  details: null,
  ...patch,
});

const users: Partial<UserDto>[] = [
  { id: 'u-rita', displayName: 'Rita', email: 'r@sieve.local' },
  { id: 'u-pat', displayName: 'Pat', email: 'p@sieve.local' },
];

describe('AuditPage', () => {
  let asked: URLSearchParams[];
  beforeEach(() => {
    asked = [];
    global.fetch = jest.fn(async (input: RequestInfo | URL) => {
      const url = new URL(String(input), 'http://sieve.test');
      const body = url.pathname.endsWith('/users')
        ? users
        : (asked.push(url.searchParams),
          {
            items: [
              entry('2', {
                details: { action: 'remove', reason: 'Spam' },
                before: { status: 'open' },
                after: { status: 'decided' },
              }),
              entry('1', {
                actorId: 'u-pat',
                actorLabel: 'p@sieve.local',
                action: 'user.updated',
                objectType: 'user',
                objectId: 'u-rita',
              }),
            ],
            nextCursor: null,
          });
      return { status: 200, ok: true, json: async () => body } as Response;
    }) as typeof fetch;
  });

  const open = (path = '/admin/audit') =>
    renderWithSystem(
      <MemoryRouter initialEntries={[path]}>
        <AuditPage />
      </MemoryRouter>,
    );
  const lastAsked = () => Object.fromEntries(asked[asked.length - 1]);

  it('names objects, links those with a page, and shows changes and details', async () => {
    open();
    const table = await screen.findByTestId('audit');
    await within(table).findByText('user Rita');
    const flag = within(table).getByRole('link', { name: 'flag 0f1e2d3c' });
    expect(flag.getAttribute('href')).toBe('/flags/0f1e2d3c-aaaa-bbbb-cccc-000000000001');
    const changes = [...table.querySelectorAll('.audit-changes li')].map((li) => li.textContent);
    expect(changes).toStrictEqual(['status open → decided', 'action remove', 'reason Spam']);
  });

  it('narrows to one object’s history, and back', async () => {
    open();
    const table = await screen.findByTestId('audit');
    const [flagHistory] = await within(table).findAllByRole('button', { name: 'history' });
    fireEvent.click(flagHistory);
    await waitFor(() =>
      expect(lastAsked()).toMatchObject({
        objectType: 'flag',
        objectId: '0f1e2d3c-aaaa-bbbb-cccc-000000000001',
      }),
    );
    expect(screen.getByTestId('audit-object-filter').textContent).toContain(
      'Only entries for flag 0f1e2d3c',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Show every object' }));
    await waitFor(() => expect(lastAsked()).not.toHaveProperty('objectType'));
  });

  it('filters by every family of action, by who, and by whole days', async () => {
    open();
    await screen.findByText('user Rita');
    const action = screen.getByLabelText('Action');
    expect(within(action).getByRole('option', { name: 'Policies published' })).toBeTruthy();
    fireEvent.change(action, { target: { value: 'policy' } });
    await waitFor(() => expect(lastAsked()).toMatchObject({ action: 'policy' }));
    fireEvent.change(await screen.findByLabelText('Who'), { target: { value: 'u-pat' } });
    await waitFor(() => expect(lastAsked()).toMatchObject({ actorId: 'u-pat' }));
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-12-01' } });
    fireEvent.change(screen.getByLabelText('To (included)'), { target: { value: '2026-12-07' } });
    // Days in the reader's time zone; the last one whole.
    await waitFor(() =>
      expect(lastAsked()).toMatchObject({
        from: new Date(2026, 11, 1).toISOString(),
        to: new Date(2026, 11, 8).toISOString(),
      }),
    );
  });

  it('opens on the filters its address names, as a flag page links to it', async () => {
    open('/admin/audit?objectType=flag&objectId=f-1&action=flag.decided');
    await waitFor(() =>
      expect(lastAsked()).toStrictEqual({
        objectType: 'flag',
        objectId: 'f-1',
        action: 'flag.decided',
        limit: '50',
      }),
    );
    expect((screen.getByLabelText('Action') as HTMLSelectElement).value).toBe('flag.decided');
  });

  it('keeps both of two filters changed before the address catches up', async () => {
    open();
    await screen.findByText('user Rita');
    const who = await screen.findByLabelText('Who');
    await within(who).findByRole('option', { name: /Pat/ });
    // One act: both changes run before the page renders the first one's address.
    act(() => {
      fireEvent.change(who, { target: { value: 'u-pat' } });
      fireEvent.change(screen.getByLabelText('Action'), { target: { value: 'auth' } });
    });
    await waitFor(() => expect(lastAsked()).toMatchObject({ actorId: 'u-pat', action: 'auth' }));
  });
});
