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
});
