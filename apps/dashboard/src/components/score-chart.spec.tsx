import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import type { SystemInfo } from '../api/system';
import { queryKeys } from '../hooks/query-keys';
import { ScoreChart } from './score-chart';

function renderWithSystem(ui: React.ReactElement) {
  const client = new QueryClient();
  const system: SystemInfo = {
    scorer: { kind: 'offline', model: 'sieve-offline-lexicon-v1', label: 'offline' },
    review: {
      reasons: { approve: ['Not harmful'], remove: ['Spam'], escalate: ['Legal risk'] },
      claimLeaseSeconds: 300,
      undoWindowSeconds: 60,
      slaMinutes: 60,
    },
    categorySet: 'mistral-moderation-2603',
    categories: [
      { name: 'pii', label: 'Personal data', description: '', sensitive: false },
      {
        name: 'violence_and_threats',
        label: 'Violence & threats',
        description: '',
        sensitive: true,
      },
    ],
    policyVersion: 1,
  };
  client.setQueryData(queryKeys.system, system);
  return render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>);
}

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
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual([
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
