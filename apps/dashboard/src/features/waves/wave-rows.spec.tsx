import { fireEvent, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import type { WaveSummaryDto } from '@sieve/contracts';
import { renderWithSystem } from '../../testing/render';
import { WAVES_SHOWN, WaveRows } from './wave-rows';

const now = Date.now();
const wave = (n: number, raised = false): WaveSummaryDto => ({
  id: `wave-${n}`,
  status: 'open',
  size: 40 - n,
  authors: 2,
  firstSeenAt: new Date(now - 600_000).toISOString(),
  lastSeenAt: new Date(now - 60_000).toISOString(),
  growthPerMinute: 0.5,
  raised: raised ? { at: new Date(now).toISOString(), reason: 'many_authors' } : null,
  samples: [`sample text ${n}`],
  maxScore: 0.9,
  categories: ['pii'],
  decided: null,
});

const render = (waves: WaveSummaryDto[]) =>
  renderWithSystem(
    <MemoryRouter>
      <WaveRows waves={waves} now={now} />
    </MemoryRouter>,
  );

describe('WaveRows', () => {
  it('shows the first few waves and every campaign; the rest behind a button', () => {
    // As the api orders them: campaigns first, then by size; a campaign listed late still shows.
    const waves = [wave(0, true), ...Array.from({ length: 10 }, (_, i) => wave(i + 1))];
    waves.push(wave(20, true));
    render(waves);
    expect(screen.getAllByTestId('wave-row')).toHaveLength(WAVES_SHOWN + 1);
    expect(screen.getByText('sample text 20')).toBeTruthy();
    expect(screen.queryByText('sample text 6')).toBeNull();

    const toggle = screen.getByRole('button', { name: 'Show all 12 waves (6 more)' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(screen.getAllByTestId('wave-row')).toHaveLength(12);
    fireEvent.click(screen.getByRole('button', { name: 'Show fewer waves' }));
    expect(screen.getAllByTestId('wave-row')).toHaveLength(WAVES_SHOWN + 1);
  });

  it('has no button when every wave shows', () => {
    render([wave(1), wave(2)]);
    expect(screen.getAllByTestId('wave-row')).toHaveLength(2);
    expect(screen.queryByTestId('waves-toggle')).toBeNull();
  });
});
