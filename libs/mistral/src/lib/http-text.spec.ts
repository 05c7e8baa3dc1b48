import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { requestText } from './http-text';

describe('requestText (JSON calls on node:http)', () => {
  let server: Server;
  let url: string;
  let handler: RequestListener;

  beforeAll(async () => {
    server = createServer((request, response) => handler(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const post = (body = '{"input":"ü"}', signal?: AbortSignal) =>
    requestText(`${url}/v1/moderations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal,
    });

  it('sends the body and returns status, headers and the text, multi-byte characters intact', async () => {
    handler = (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        response.writeHead(201, { 'x-request-id': 'r-1', 'set-cookie': ['a=1', 'b=2'] });
        // Split inside "é" (two bytes), as a network may split it.
        const echoed = Buffer.from(`é${Buffer.concat(chunks).toString()}`);
        response.write(echoed.subarray(0, 1));
        setTimeout(() => response.end(echoed.subarray(1)), 5);
      });
    };
    const answer = await post();
    expect(answer.status).toBe(201);
    expect(answer.text).toBe('é{"input":"ü"}');
    expect(answer.headers.get('X-Request-Id')).toBe('r-1');
    expect(answer.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(answer.headers.get('retry-after')).toBeNull();
  });

  it.each([
    ['gzip', gzipSync],
    ['br', brotliCompressSync],
  ])('decodes a %s-compressed answer', async (encoding, compress) => {
    handler = (request, response) => {
      expect(request.headers['accept-encoding']).toContain(encoding);
      response.writeHead(200, { 'content-encoding': encoding });
      response.end(compress(Buffer.from('{"ok":true}')));
    };
    await expect(post()).resolves.toMatchObject({ text: '{"ok":true}' });
  });

  it('rejects a body cut short, so the caller can retry', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('{"results":[');
      setTimeout(() => response.socket?.destroy(), 5);
    };
    await expect(post()).rejects.toThrow();
  });

  it('rejects when its signal aborts', async () => {
    handler = () => undefined; // never answers
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(post(undefined, controller.signal)).rejects.toThrow(/abort/i);
  });
});
