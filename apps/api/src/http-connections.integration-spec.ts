import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { startTestStack } from '../test/test-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

/** A raw HTTP/1.1 request on the socket; resolves with the response's head once it arrives. */
function get(socket: Socket, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const onData = (chunk: Buffer) => {
      received += chunk.toString();
      if (!received.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      resolve(received.slice(0, received.indexOf('\r\n')));
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: sieve.test\r\n\r\n`);
  });
}

/**
 * Idle keep-alive connections stay open for HTTP_KEEP_ALIVE_TIMEOUT_MS: a load balancer in front
 * of the api reuses them, and one the api closed first would answer its client 502.
 */
describe('HTTP connections', () => {
  let stack: Stack;
  let server: Server;

  beforeAll(async () => {
    stack = await startTestStack({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '1500' });
    server = stack.app.getHttpServer() as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await stack?.stop();
  });

  it('keeps an idle connection for the configured time, then closes it', async () => {
    expect(server.keepAliveTimeout).toBe(1500);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);

    const { port } = server.address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const closed = new Promise<number>((resolve) =>
      socket.once('close', () => resolve(Date.now())),
    );

    expect(await get(socket, '/api/health/live')).toBe('HTTP/1.1 200 OK');
    // Idle for most of the timeout: the same connection still serves the next request.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await get(socket, '/api/health/live')).toBe('HTTP/1.1 200 OK');
    const idleFrom = Date.now();
    const closedAt = await closed;
    expect(closedAt - idleFrom).toBeGreaterThanOrEqual(1400);
    expect(closedAt - idleFrom).toBeLessThan(5000);
  });
});
