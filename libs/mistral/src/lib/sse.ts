export interface ServerSentEvent {
  event: string | null;
  data: string;
  id: string | null;
}

/**
 * Parses a server-sent-events byte stream incrementally (WHATWG rules): frames split across
 * chunks, CRLF/CR/LF line ends, multi-line `data:`, comment lines (keep-alives) and a final
 * frame without its blank line are all handled.
 */
export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event: string | null = null;
  let id: string | null = null;

  function* flushLines(final: boolean): Generator<ServerSentEvent> {
    for (;;) {
      const match = /\r\n|\r|\n/.exec(buffer);
      if (!match) break;
      // A lone CR at the end may be the first half of CRLF: wait for more input.
      if (match[0] === '\r' && match.index === buffer.length - 1 && !final) break;
      const line = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      if (line === '') {
        if (data.length > 0) yield { event, data: data.join('\n'), id };
        data = [];
        event = null;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
      else if (field === 'id') id = value;
    }
  }

  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    yield* flushLines(false);
  }
  buffer += decoder.decode();
  if (buffer.length > 0) buffer += '\n';
  yield* flushLines(true);
  if (data.length > 0) yield { event, data: data.join('\n'), id };
}
