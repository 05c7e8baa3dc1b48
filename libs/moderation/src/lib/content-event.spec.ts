import { parseContentEvent } from './content-event';

const valid = {
  id: 'post-1',
  source: 'forum',
  authorId: 'user-9',
  text: 'hello',
  createdAt: '2026-11-25T10:00:00Z',
};
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('parseContentEvent', () => {
  it('accepts a minimal event and the optional fields', () => {
    expect(parseContentEvent(encode(valid))).toStrictEqual({ ok: true, event: valid });
    const full = {
      ...valid,
      lang: 'pt-BR',
      context: { threadId: 't1', url: 'https://x.example/t1' },
    };
    expect(parseContentEvent(encode(full))).toStrictEqual({ ok: true, event: full });
  });

  it('rejects bad JSON, bad UTF-8 and a missing value with distinct reasons', () => {
    expect(parseContentEvent(new TextEncoder().encode('{"id":'))).toMatchObject({
      ok: false,
      reason: 'invalid_json',
    });
    expect(parseContentEvent(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).toMatchObject({
      ok: false,
      reason: 'invalid_encoding',
    });
    expect(parseContentEvent(null)).toMatchObject({ ok: false, reason: 'invalid_event' });
  });

  it('names every missing or malformed field', () => {
    const result = parseContentEvent(encode({ id: 'x', createdAt: 'yesterday', lang: 'english!' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('invalid_event');
    for (const field of ['source', 'authorId', 'text', 'createdAt', 'lang']) {
      expect(result.detail).toContain(field);
    }
  });

  it('rejects texts over the byte limit, counting UTF-8 bytes not characters', () => {
    const text = 'é'.repeat(600); // 1200 bytes
    expect(parseContentEvent(encode({ ...valid, text }), { maxTextBytes: 1000 })).toMatchObject({
      ok: false,
      reason: 'text_too_large',
    });
    expect(parseContentEvent(encode({ ...valid, text }), { maxTextBytes: 1200 }).ok).toBe(true);
  });

  it('rejects empty texts and javascript: context URLs', () => {
    expect(parseContentEvent(encode({ ...valid, text: '   ' }))).toMatchObject({
      reason: 'empty_text',
    });
    expect(
      parseContentEvent(encode({ ...valid, context: { url: 'javascript:alert(1)' } })),
    ).toMatchObject({ ok: false, reason: 'invalid_event' });
  });

  it('rejects U+0000 in any field, which PostgreSQL cannot store, and nothing else for it', () => {
    for (const event of [
      { ...valid, text: 'a\u0000b' },
      { ...valid, authorId: 'x\u0000' },
      { ...valid, context: { threadId: '\u0000' } },
    ]) {
      expect(parseContentEvent(encode(event))).toMatchObject({
        ok: false,
        reason: 'invalid_event',
        detail: expect.stringContaining('U+0000'),
      });
    }
    // The six characters backslash-u-0-0-0-0 are text like any other; so is an unknown field.
    expect(parseContentEvent(encode({ ...valid, text: 'write \\u0000 to end it' })).ok).toBe(true);
    expect(parseContentEvent(encode({ ...valid, extra: '\u0000' })).ok).toBe(true);
  });

  it('rejects an unpaired surrogate escape in any field; pairs are fine', () => {
    for (const event of [
      { ...valid, text: 'broken \ud83d here' },
      { ...valid, text: 'trailing \ude00' },
      { ...valid, context: { threadId: 't\udbff' } },
      { ...valid, authorId: '\udc00\ud800' }, // the pair the wrong way round
    ]) {
      // JSON.stringify writes a lone surrogate as a \uXXXX escape, as a platform's encoder may.
      expect(parseContentEvent(JSON.stringify(event))).toMatchObject({
        ok: false,
        reason: 'invalid_encoding',
        detail: expect.stringContaining('surrogate'),
      });
    }
    const paired = {
      ...valid,
      text: 'emoji \ud83d\ude00 and 😀',
      context: { threadId: '\ud83d\ude00' },
    };
    expect(parseContentEvent(JSON.stringify(paired))).toStrictEqual({ ok: true, event: paired });
    expect(parseContentEvent(encode({ ...valid, text: 'the escape \\ud83d as text' })).ok).toBe(
      true,
    );
  });

  it('refuses times PostgreSQL cannot store, accepts the rest of the ISO range', () => {
    for (const createdAt of [
      '0000-01-01T00:00:00Z',
      '2026-01-01T00:00:00+23:59',
      '2026-01-01T00:00:00-15:00',
    ]) {
      expect(parseContentEvent(encode({ ...valid, createdAt }))).toMatchObject({
        ok: false,
        reason: 'invalid_event',
        detail: expect.stringContaining('createdAt'),
      });
    }
    for (const createdAt of [
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:59:59Z',
      '2026-01-01T00:00:00+14:00',
      '2026-01-01T00:00:00.123-12:00',
    ])
      expect(parseContentEvent(encode({ ...valid, createdAt })).ok).toBe(true);
  });
});
