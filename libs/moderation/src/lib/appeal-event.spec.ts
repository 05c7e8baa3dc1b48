import { MAX_APPEAL_STATEMENT_CHARS, parseAppealSubmission } from './appeal-event';

describe('parseAppealSubmission', () => {
  const valid = { appealId: 'ap-1', source: 'forum', eventId: 'e-1', statement: 'It was a joke' };

  it('accepts a complete appeal, from bytes or text, trimming the fields', () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ ...valid, statement: '  hi  ' }));
    expect(parseAppealSubmission(bytes)).toStrictEqual({
      ok: true,
      appeal: { ...valid, statement: 'hi' },
    });
    expect(parseAppealSubmission(JSON.stringify(valid))).toStrictEqual({ ok: true, appeal: valid });
  });

  it('names what is wrong, and never throws', () => {
    expect(parseAppealSubmission('{')).toMatchObject({ ok: false, reason: 'invalid_json' });
    expect(parseAppealSubmission(null)).toMatchObject({ ok: false, reason: 'invalid_appeal' });
    const missing = parseAppealSubmission(JSON.stringify({ ...valid, eventId: ' ' }));
    expect(missing).toMatchObject({ ok: false, reason: 'invalid_appeal' });
    expect(!missing.ok && missing.detail).toMatch(/^eventId:/);
    const long = parseAppealSubmission(
      JSON.stringify({ ...valid, statement: 'x'.repeat(MAX_APPEAL_STATEMENT_CHARS + 1) }),
    );
    expect(!long.ok && long.detail).toMatch(/^statement:/);
  });

  it('refuses what PostgreSQL cannot store, which would otherwise fail on every retry', () => {
    expect(
      parseAppealSubmission(JSON.stringify({ ...valid, statement: 'a\u0000b' })),
    ).toStrictEqual({
      ok: false,
      reason: 'invalid_appeal',
      detail: 'statement: contains the character U+0000, which cannot be stored',
    });
    const surrogate = parseAppealSubmission(JSON.stringify({ ...valid, appealId: 'ap-\ud800' }));
    expect(!surrogate.ok && surrogate.detail).toMatch(/^appealId: contains an unpaired/);
  });
});
