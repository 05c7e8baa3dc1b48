import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { eventually, startTestStack } from '../test/test-stack';
import { IngestConsumer } from './ingest/ingest.consumer';
import { MetricsService } from './metrics/metrics.service';

const brokerPid = Number(process.env['SIEVE_TEST_KAFKA_PID'] ?? 0);
const withLocalBroker = brokerPid > 0 ? it : it.skip;

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

  // The shared mock broker, paused (SIGSTOP): a broker that no longer answers.
  withLocalBroker('does not wait on a broker that stopped answering', async () => {
    // kafkajs logs every request that times out as an error: expected here.
    const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
    const stack = await startTestStack(
      { INGEST_ENABLED: 'true', KAFKA_STOP_TIMEOUT_MS: '1000' },
      { logDestination: quiet },
    );
    try {
      // Both consumers are members of their groups (leaving them is what needs the broker): the
      // appeals consumer has dead-lettered the malformed appeal it was sent.
      await stack.produceAppeals([{ value: 'not json' }]);
      const ingest = stack.app.get(IngestConsumer);
      const deadLetters = stack.app.get(MetricsService).deadLetters;
      await eventually('both consumers to run', async () => {
        const { values } = await deadLetters.get();
        const appealRefused = values.some((v) => v.labels['reason'] === 'invalid_appeal');
        return ingest.state === 'running' && appealRefused;
      });

      process.kill(brokerPid, 'SIGSTOP');
      const started = Date.now();
      await stack.app.close();
      // Three bounded steps (ingest consumer, appeals consumer, producer). Unbounded, each waits
      // for kafkajs's request timeout (30 s).
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      process.kill(brokerPid, 'SIGCONT');
      await stack.stop(); // the spec's own clients; closing the app again does nothing
    }
  });
});
