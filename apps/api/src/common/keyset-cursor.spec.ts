import { BadRequestException } from '@nestjs/common';
import { decodeKeyset, encodeKeyset } from './keyset-cursor';

describe('keyset cursors', () => {
  const keyOf = (id: string) => ({ score: '0.5', createdAt: '2026-11-25T10:00:00Z', id });

  it('round-trip the sort key of a page’s last row, microseconds included', () => {
    const key = {
      createdAt: '2026-11-25T10:00:00.123456Z',
      id: '6f1c1c7e-3b9a-4b7e-9d7e-0c4b7a1f2e3d',
    };
    expect(decodeKeyset(encodeKeyset(key), ['createdAt', 'id'])).toStrictEqual(key);
    expect(
      decodeKeyset(encodeKeyset({ at: '2026-11-25T10:00:00.000001Z', id: '42' }), ['at', 'id']),
    ).toStrictEqual({
      at: '2026-11-25T10:00:00.000001Z',
      id: '42',
    });
  });

  it.each([
    ['not base64 JSON', 'bm90LWEtY3Vyc29y'],
    ['an injected id', encodeKeyset({ ...keyOf('42'), id: "1' OR '1'='1" })],
    ['an unknown field', encodeKeyset({ ...keyOf('42'), evil: 'x' })],
    // Another order's cursor: its sort key lacks the score this order compares.
    ['a missing field', encodeKeyset({ createdAt: '2026-11-25T10:00:00Z', id: '42' })],
  ])('refuse %s with a 400 naming the field', (_name, cursor) => {
    expect(decodeKeyset(encodeKeyset(keyOf('42')), ['score', 'createdAt', 'id'])).toBeTruthy();
    let error: unknown;
    try {
      decodeKeyset(cursor, ['score', 'createdAt', 'id']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BadRequestException);
    expect((error as BadRequestException).getResponse()).toMatchObject({
      details: [{ field: 'cursor' }],
    });
  });
});
