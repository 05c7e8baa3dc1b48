import { screen } from '@testing-library/react';
import { countAxis, DailyFlagsChart } from './daily-flags-chart';
import { renderWithSystem } from '../testing/render';

describe('countAxis', () => {
  it('tops the axis at a round number at least the largest bar, in about four whole steps', () => {
    expect(countAxis(0)).toStrictEqual({ top: 1, ticks: [0, 1] });
    expect(countAxis(1)).toStrictEqual({ top: 1, ticks: [0, 1] });
    expect(countAxis(3)).toStrictEqual({ top: 3, ticks: [0, 1, 2, 3] });
    expect(countAxis(7)).toStrictEqual({ top: 8, ticks: [0, 2, 4, 6, 8] });
    expect(countAxis(39)).toStrictEqual({ top: 40, ticks: [0, 10, 20, 30, 40] });
    expect(countAxis(126)).toStrictEqual({ top: 150, ticks: [0, 50, 100, 150] });
    expect(countAxis(40_001).ticks).toStrictEqual([0, 20_000, 40_000, 60_000]);
  });
});

describe('DailyFlagsChart', () => {
  it("shows each day's total over its bar, scaled to the axis, and says them to screen readers", () => {
    renderWithSystem(
      <DailyFlagsChart
        days={['2026-12-03', '2026-12-04', '2026-12-05']}
        rows={[
          { day: '2026-12-03', category: 'pii', count: 30 },
          { day: '2026-12-03', category: 'violence_and_threats', count: 9 },
          { day: '2026-12-05', category: 'pii', count: 20 },
        ]}
      />,
    );
    const chart = screen.getByRole('img');
    expect(chart.getAttribute('aria-label')).toBe(
      'Flags per day by category. 2026-12-03: 39, 2026-12-05: 20',
    );
    const totals = [...chart.querySelectorAll<HTMLElement>('.day-total')];
    expect(totals.map((t) => [t.textContent, t.style.bottom])).toStrictEqual([
      ['39', '97.5%'],
      ['20', '50%'],
    ]);
    expect([...chart.querySelectorAll('.y-axis span')].map((t) => t.textContent)).toStrictEqual([
      '0',
      '10',
      '20',
      '30',
      '40',
    ]);
    expect(screen.getByText('Violence & threats')).toBeTruthy();
  });
});

describe('DailyFlagsChart colours', () => {
  const swatchOf = async (name: string) =>
    ((await screen.findByText(name)).querySelector('.swatch') as HTMLElement).style.background;

  it('gives a category the same colour whichever other categories the period has', async () => {
    const both = renderWithSystem(
      <DailyFlagsChart
        days={['2026-12-03']}
        rows={[
          { day: '2026-12-03', category: 'pii', count: 3 },
          { day: '2026-12-03', category: 'violence_and_threats', count: 2 },
        ]}
      />,
    );
    const withPii = await swatchOf('Violence & threats');
    expect(withPii).not.toBe(await swatchOf('Personal data'));
    both.unmount();

    renderWithSystem(
      <DailyFlagsChart
        days={['2026-12-03']}
        rows={[{ day: '2026-12-03', category: 'violence_and_threats', count: 2 }]}
      />,
    );
    expect(await swatchOf('Violence & threats')).toBe(withPii);
  });
});
