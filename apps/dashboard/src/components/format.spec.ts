import { percent, span, timeAgo, timeUntil } from './format';

describe('format', () => {
  it('rounds scores to whole percents', () => {
    expect(percent(0.555)).toBe('56%');
    expect(percent(1)).toBe('100%');
  });

  it('says how long ago in the largest sensible unit', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    expect(timeAgo('2026-11-25T11:59:30Z', now)).toBe('30 s ago');
    expect(timeAgo('2026-11-25T11:45:00Z', now)).toBe('15 min ago');
    expect(timeAgo('2026-11-25T09:00:00Z', now)).toBe('3 h ago');
    expect(timeAgo('2026-11-25T12:00:05Z', now)).toBe('0 s ago');
  });

  it('says how soon in the largest sensible unit, and now once it has passed', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    expect(timeUntil('2026-11-25T12:00:40Z', now)).toBe('in 40 s');
    expect(timeUntil('2026-11-25T12:10:00Z', now)).toBe('in 10 min');
    expect(timeUntil('2026-11-25T14:30:00Z', now)).toBe('in 2 h');
    expect(timeUntil('2026-11-25T11:59:00Z', now)).toBe('now');
  });

  it('gives a length of time in its largest unit', () => {
    expect(span(375)).toBe('6 min');
    expect(span(7200)).toBe('2 h');
  });
});
