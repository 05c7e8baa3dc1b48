import { normalizeForScoring } from './scoring-text';

describe('normalizeForScoring', () => {
  it('folds compatibility forms and whitespace but keeps case', () => {
    expect(normalizeForScoring('  ｈｅｌｌｏ\n\t world ')).toBe('hello world');
    expect(normalizeForScoring('KILL')).not.toBe(normalizeForScoring('kill'));
  });
});
