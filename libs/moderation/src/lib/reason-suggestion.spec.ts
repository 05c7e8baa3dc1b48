import { DEFAULT_REVIEW_REASONS } from './decision-message';
import { suggestedRemovalReason } from './reason-suggestion';

describe('suggestedRemovalReason', () => {
  const remove = DEFAULT_REVIEW_REASONS.remove;

  it('names the default reason of each category that has one', () => {
    expect(suggestedRemovalReason(remove, 'pii')).toBe('Personal data exposed');
    expect(suggestedRemovalReason(remove, 'violence_and_threats')).toBe('Threat of violence');
    expect(suggestedRemovalReason(remove, 'selfharm')).toBe('Self-harm promotion');
    expect(suggestedRemovalReason(remove, 'hate_and_discrimination')).toBe('Hate or harassment');
    expect(suggestedRemovalReason(remove, 'sexual')).toBe('Sexual content');
  });

  it('suggests nothing rather than a wrong reason', () => {
    expect(suggestedRemovalReason(remove, 'financial')).toBeNull();
    expect(suggestedRemovalReason(remove, undefined)).toBeNull();
    expect(
      suggestedRemovalReason(['Threats', 'Violent imagery'], 'violence_and_threats'),
    ).toBeNull();
  });
});
