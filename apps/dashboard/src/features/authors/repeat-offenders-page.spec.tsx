import { fireEvent, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { renderWithSystem } from '../../testing/render';
import { RepeatOffendersPage } from './repeat-offenders-page';

describe('RepeatOffendersPage', () => {
  let asked: string[];

  beforeEach(() => {
    asked = [];
    const hour = 3_600_000;
    const offender = (
      authorId: string,
      strikes: number,
      level: string,
      recommendation: string,
    ) => ({
      source: 'forum',
      authorId,
      strikes,
      level,
      recommendation,
      // Half an hour from the boundaries, so the time the page takes to render does not matter.
      countedAt: new Date(Date.now() - 1.5 * hour).toISOString(),
      recountAt: new Date(Date.now() + 2.5 * hour).toISOString(),
    });
    global.fetch = jest.fn(async (input: RequestInfo | URL) => {
      const url = new URL(String(input), 'http://sieve.test');
      asked.push(url.search);
      const level = url.searchParams.get('level');
      const all = [
        offender('u&1', 9, 'suspend', 'suspend'),
        offender('u-2', 5, 'restrict', 'restrict'),
        offender('u-3', 2.5, 'raise', 'none'),
      ];
      const minimum = ['raise', 'restrict', 'suspend'].indexOf(level ?? 'raise');
      const atLevel = all.filter(
        (o) => ['raise', 'restrict', 'suspend'].indexOf(o.level) >= minimum,
      );
      // Pages of two; two more at raise than the pages hold: the most struck are shown.
      const from = url.searchParams.get('cursor') === 'page-2' ? 2 : 0;
      const items = atLevel.slice(from, from + 2);
      const nextCursor = from + 2 < atLevel.length ? 'page-2' : null;
      return {
        status: 200,
        ok: true,
        json: async () => ({ counts: { raise: 3, restrict: 1, suspend: 1 }, items, nextCursor }),
      } as Response;
    }) as typeof fetch;
  });

  it('lists the most struck first a page at a time, with what the platform was told, and opens their posts', async () => {
    renderWithSystem(
      <MemoryRouter>
        <RepeatOffendersPage />
      </MemoryRouter>,
    );
    const table = await screen.findByTestId('repeat-offenders');
    const rows = () =>
      within(table)
        .getAllByRole('row')
        .slice(1)
        .map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent));
    expect(rows()).toHaveLength(2);
    expect(screen.getByText('The 2 most struck of 5.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'More' }));
    expect(await screen.findByText('The 3 most struck of 5.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'More' })).toBeNull();
    expect(rows()).toStrictEqual([
      ['u&1', 'forum', '9', 'suspend', 'Suspend the account', '1 h ago', 'in 2 h'],
      ['u-2', 'forum', '5', 'restrict', 'Restrict the account', '1 h ago', 'in 2 h'],
      ['u-3', 'forum', '2.5', 'raise', 'None yet (marked in the queue)', '1 h ago', 'in 2 h'],
    ]);
    expect(screen.getByRole('link', { name: 'u&1' }).getAttribute('href')).toBe(
      '/?source=forum&authorId=u%261&status=all&sort=newest',
    );
    // Each tab counts the authors at its level or above.
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toStrictEqual([
      'All repeat offenders (5)',
      'Restrict and suspend (2)',
      'Suspend (1)',
    ]);

    fireEvent.click(screen.getByRole('tab', { name: /^Suspend/ }));
    expect(await screen.findByRole('link', { name: 'u&1' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'u-2' })).toBeNull();
    expect(asked).toStrictEqual([
      '?level=raise&limit=100',
      '?level=raise&limit=100&cursor=page-2',
      '?level=suspend&limit=100',
    ]);
  });
});
