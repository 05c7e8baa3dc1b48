import { parseSse, type ServerSentEvent } from './sse';

async function parse(...chunks: string[]): Promise<ServerSentEvent[]> {
  const encoder = new TextEncoder();
  async function* source() {
    for (const chunk of chunks) yield encoder.encode(chunk);
  }
  const events: ServerSentEvent[] = [];
  for await (const event of parseSse(source())) events.push(event);
  return events;
}

describe('parseSse', () => {
  it('reassembles frames split anywhere across chunks, including inside a UTF-8 character', async () => {
    const bytes = new TextEncoder().encode('data: {"text":"café"}\n\ndata: [DONE]\n\n');
    const chunks = Array.from(bytes).map((b) => String.fromCharCode(b));
    const encoder = { encode: (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0))) };
    async function* byteByByte() {
      for (const c of chunks) yield encoder.encode(c);
    }
    const events: string[] = [];
    for await (const e of parseSse(byteByByte())) events.push(e.data);
    expect(events).toStrictEqual(['{"text":"café"}', '[DONE]']);
  });

  it('joins multi-line data, ignores comments (keep-alives), and reads event and id fields', async () => {
    expect(
      await parse(': keep-alive\n\nevent: update\nid: 7\ndata: line one\ndata: line two\n\n'),
    ).toStrictEqual([{ event: 'update', id: '7', data: 'line one\nline two' }]);
  });

  it('accepts CRLF and CR line ends, and a last frame with no blank line', async () => {
    expect(
      (await parse('data: a\r\n\r\ndata: b\r', '\r', 'data: c')).map((e) => e.data),
    ).toStrictEqual(['a', 'b', 'c']);
  });

  it('keeps the value after "data:" without a space, and drops empty frames', async () => {
    expect((await parse('data:x\n\n\n\ndata\n\n')).map((e) => e.data)).toStrictEqual(['x', '']);
  });
});
