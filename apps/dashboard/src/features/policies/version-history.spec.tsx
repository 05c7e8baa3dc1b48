import type { PolicyVersionDto } from '@sieve/contracts';
import { fireEvent, screen, within } from '@testing-library/react';
import { renderWithSystem } from '../../testing/render';
import { VersionHistory } from './version-history';

const version = (
  n: number,
  live: boolean,
  pii: PolicyVersionDto['rules'][string],
): PolicyVersionDto => ({
  version: n,
  status: 'published',
  live,
  categorySetId: 'mistral-moderation-2603',
  rules: {
    pii,
    violence_and_threats: { enabled: true, reviewThreshold: 0.5 },
  },
  overrides: {},
  customCategories: [],
  grayZone: 0,
  precedent: null,
  basedOn: n > 1 ? n - 1 : null,
  changeNote: `version ${n}`,
  createdAt: '2026-12-01T10:00:00.000Z',
  createdBy: 'Pat',
  publishedAt: '2026-12-01T10:00:00.000Z',
  publishedBy: 'Pat',
  shadowSince: null,
});

describe('VersionHistory', () => {
  const versions = [
    version(3, true, { enabled: true, reviewThreshold: 0.35, autoActionThreshold: 0.9 }),
    version(2, false, { enabled: true, reviewThreshold: 0.35, autoActionThreshold: 0.9 }),
    version(1, false, { enabled: true, reviewThreshold: 0.5 }),
  ];
  const open = () =>
    renderWithSystem(
      <VersionHistory versions={versions} canEdit hasDraft={false} now={Date.now()} />,
    );

  it('shows, before a roll back, setting by setting what it changes', () => {
    open();
    fireEvent.click(screen.getByRole('button', { name: 'Roll back to v1' }));
    const dialog = screen.getByRole('dialog', { name: 'Roll back' });
    const rows = within(within(dialog).getByTestId('policy-diff'))
      .getAllByRole('row')
      .map((r) => [...r.querySelectorAll('th, td')].map((cell) => cell.textContent));
    expect(rows).toStrictEqual([
      ['Category', 'Setting', 'Live', 'v1'],
      ['Personal data', 'review at', '0.35', '0.50'],
      ['Personal data', 'block at', '0.90', '—'],
    ]);
    expect(within(dialog).getByRole('button', { name: 'Roll back' })).toHaveProperty(
      'disabled',
      true,
    );
  });

  it('says so when the version rolled back to has the live settings', () => {
    open();
    fireEvent.click(screen.getByRole('button', { name: 'Roll back to v2' }));
    const dialog = screen.getByRole('dialog', { name: 'Roll back' });
    expect(within(dialog).getByText('No setting differs from the live version.')).toBeTruthy();
  });

  it('says what each version changed from the one published before it', () => {
    open();
    const item = (n: number) =>
      within(screen.getByTestId('policy-versions')).getByText(`v${n}`).closest('li') as HTMLElement;
    const v2 = within(item(2)).getByText('2 changes from v1').closest('details') as HTMLElement;
    expect([...v2.querySelectorAll('li')].map((li) => li.textContent)).toStrictEqual([
      'Personal data: review at 0.50 → 0.35',
      'Personal data: block at — → 0.90',
    ]);
    expect(within(item(3)).getByText('Same settings as v2.')).toBeTruthy();
    // The first version has nothing before it.
    expect(item(1).querySelector('.version-changes')).toBeNull();
  });
});
