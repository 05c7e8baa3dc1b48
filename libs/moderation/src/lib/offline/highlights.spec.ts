import { MISTRAL_MODERATION_2603 } from '../categories';
import { HIGHLIGHT_WINDOW_CHARS, offlineHighlights } from './highlights';
import { scoreOffline } from './offline-scorer';

const names = MISTRAL_MODERATION_2603.categories.map((c) => c.name);

describe('offlineHighlights', () => {
  it('finds the same spans as the scorer, also across window boundaries', () => {
    const tail = 'I will kill you, write to jane.doe@example.org';
    const expected = scoreOffline(`x x x ${tail}`, names).evidence.map((e) => [
      e.category,
      e.match,
    ]);
    for (const offset of [0, 5, 10, 640, 700]) {
      const filler = 'x '.repeat((HIGHLIGHT_WINDOW_CHARS - offset) / 2);
      const text = `${filler}${tail}${' y'.repeat(HIGHLIGHT_WINDOW_CHARS)}`;
      const { spans, coveredChars } = offlineHighlights(text, names, 1000);
      expect(coveredChars).toBe(text.length);
      const found = spans.map((s) => [s.category, text.slice(s.start, s.end)]);
      expect({ offset, found }).toStrictEqual({ offset, found: expected });
    }
  });

  it('stops when its time budget is spent and says how far it got', () => {
    const text = `${'1 '.repeat(HIGHLIGHT_WINDOW_CHARS * 4)}kill you`;
    let clock = 0;
    // Every reading of the clock is 30 ms later: the budget of 50 ms allows two windows.
    const { spans, coveredChars } = offlineHighlights(text, names, 50, () => (clock += 30));
    expect(coveredChars).toBeLessThan(HIGHLIGHT_WINDOW_CHARS * 2);
    expect(coveredChars).toBeGreaterThan(HIGHLIGHT_WINDOW_CHARS);
    expect(spans.every((s) => s.start < coveredChars)).toBe(true);
  });
});
