import { estimateTokens, normalizeForScoring } from './scoring-text';

describe('normalizeForScoring', () => {
  it('folds compatibility forms and whitespace but keeps case', () => {
    expect(normalizeForScoring('  ｈｅｌｌｏ\n\t world ')).toBe('hello world');
    expect(normalizeForScoring('KILL')).not.toBe(normalizeForScoring('kill'));
  });
});

describe('estimateTokens', () => {
  it('never underestimates short or non-Latin texts below one token', () => {
    expect(estimateTokens('')).toBe(1);
    expect(estimateTokens('hello world')).toBe(6);
    expect(estimateTokens('日本語のテキスト')).toBeGreaterThanOrEqual(8);
  });
});
