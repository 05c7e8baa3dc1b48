import { screen, within } from '@testing-library/react';
import { ScoreChart } from './score-chart';
import { renderWithSystem } from '../testing/render';

describe('ScoreChart', () => {
  it('lists categories by score with labels, marking those over their review threshold', () => {
    renderWithSystem(
      <ScoreChart
        scores={{ pii: 0.2, violence_and_threats: 0.91, law: 0.05 }}
        thresholds={{
          pii: { enabled: true, reviewThreshold: 0.7 },
          violence_and_threats: { enabled: true, reviewThreshold: 0.5, autoActionThreshold: 0.95 },
          law: { enabled: false, reviewThreshold: 0.5 },
        }}
      />,
    );
    const rows = screen.getAllByRole('row');
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toStrictEqual([
      'Violence & threats',
      'Personal data',
      'law',
    ]);
    expect(rows[0].querySelector('.bar-over')).not.toBeNull();
    expect(rows[0].querySelector('.tick-block')).not.toBeNull();
    expect(rows[1].querySelector('.bar-over')).toBeNull();
    expect(within(rows[1]).getByText('≥ 70%')).toBeTruthy();
    expect(within(rows[2]).getByText('off')).toBeTruthy();
  });
});
