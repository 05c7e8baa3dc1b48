import { chunkMessages } from './kafka.service';

describe('chunkMessages', () => {
  const message = (bytes: number) => ({ key: null, value: Buffer.alloc(bytes) });

  it('keeps every request under the limit, in order, and sends an oversized message alone', () => {
    const messages = [message(400), message(400), message(400), message(2000), message(10)];
    const chunks = chunkMessages(messages, 1000);
    expect(chunks.map((c) => c.map((m) => (m.value as Buffer).length))).toStrictEqual([
      [400, 400],
      [400],
      [2000],
      [10],
    ]);
    expect(chunks.flat()).toStrictEqual(messages);
  });

  it('counts keys and headers too', () => {
    const withHeaders = {
      key: 'k'.repeat(300),
      value: 'v'.repeat(300),
      headers: { reason: 'x'.repeat(300) },
    };
    expect(chunkMessages([withHeaders, withHeaders], 1500)).toHaveLength(2);
    expect(chunkMessages([], 1000)).toStrictEqual([]);
  });

  it('caps the messages per request', () => {
    const chunks = chunkMessages(
      Array.from({ length: 1201 }, () => message(10)),
      1e6,
      500,
    );
    expect(chunks.map((c) => c.length)).toStrictEqual([500, 500, 201]);
  });
});
