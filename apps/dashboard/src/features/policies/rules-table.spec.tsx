import type { PolicyVersionDto } from '@sieve/contracts';
import { screen, within } from '@testing-library/react';
import { renderWithSystem } from '../../testing/render';
import { RulesTable } from './rules-table';

const cells = (testId: string) =>
  within(screen.getByTestId(testId))
    .getAllByRole('row')
    .map((r) => [...r.querySelectorAll('th, td')].map((cell) => cell.textContent));

describe('RulesTable', () => {
  const live: PolicyVersionDto = {
    version: 7,
    status: 'published',
    live: true,
    categorySetId: 'mistral-moderation-2603',
    rules: {
      pii: { enabled: true, reviewThreshold: 0.5, autoActionThreshold: 0.95 },
      violence_and_threats: { enabled: false, reviewThreshold: 0.5 },
    },
    overrides: { kids: { violence_and_threats: { enabled: true, reviewThreshold: 0.2 } } },
    customCategories: [],
    grayZone: 0,
    precedent: null,
    basedOn: 6,
    changeNote: 'stricter for the kids forum',
    createdAt: '2026-12-01T10:00:00.000Z',
    createdBy: 'Pat',
    publishedAt: '2026-12-01T10:00:00.000Z',
    publishedBy: 'Pat',
    shadowSince: null,
  };

  it("shows a version's thresholds, and what replaces them for some sources", () => {
    renderWithSystem(<RulesTable version={live} />);
    expect(screen.getByTestId('rules-table').querySelector('caption')?.textContent).toBe(
      'Live rules, version 7',
    );
    expect(cells('rules-table')).toStrictEqual([
      ['Category', 'Review at', 'Block at'],
      ['Personal data', '0.50', '0.95'],
      ['Violence & threats', 'off', '—'],
    ]);
    expect(cells('rules-overrides')).toStrictEqual([
      ['Source', 'Category', 'Review at', 'Block at'],
      ['kids', 'Violence & threats', '0.20', '—'],
    ]);
  });

  it('has no overrides table when no source has its own rules', () => {
    renderWithSystem(<RulesTable version={{ ...live, overrides: {} }} />);
    expect(screen.queryByTestId('rules-overrides')).toBeNull();
  });
});
