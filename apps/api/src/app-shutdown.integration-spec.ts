import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestStack } from '../test/test-stack';

describe('stopping the api', () => {
  it('ends live streams, so an open dashboard does not hold the HTTP server open', async () => {
    const stack = await startTestStack({ INGEST_ENABLED: 'false' });
    const viewer = await stack.signIn('viewer');
    const server = stack.app.getHttpServer() as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/api/flags/events`, {
      headers: { cookie: viewer.cookie },
    });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();

    const started = Date.now();
    await stack.stop();
    expect(Date.now() - started).toBeLessThan(5000);
    // The stream ended cleanly (the browser's EventSource reconnects elsewhere).
    for (;;) if ((await reader.read()).done) break;
  });
});
