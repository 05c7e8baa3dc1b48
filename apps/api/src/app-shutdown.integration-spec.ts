import { type ChildProcess, spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Kafka, logLevel } from 'kafkajs';
import { eventually, startTestStack } from '../test/test-stack';
import { IngestConsumer } from './ingest/ingest.consumer';
import { MetricsService } from './metrics/metrics.service';

/** A broker of this spec's own (librdkafka's mock cluster, as in global-setup), to kill. */
function startOwnBroker(): Promise<{ brokers: string; process: ChildProcess }> {
  const kcat = spawn(
    'kcat',
    ['-b', 'dummy:9092', '-X', 'test.mock.num.brokers=1', '-d', 'mock', '-C', '-t', 'keep'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let seen = '';
    kcat.on('exit', (code) => reject(new Error(`kcat exited (${code}): ${seen.slice(-300)}`)));
    kcat.stderr.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /bootstrap\.servers=(\S+)/.exec(seen);
      if (match) resolve({ brokers: match[1], process: kcat });
    });
  });
}

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

  it('does not wait on a broker that stopped first', async () => {
    const own = await startOwnBroker();
    const kafka = new Kafka({ brokers: [own.brokers], logLevel: logLevel.NOTHING });
    let stack: Awaited<ReturnType<typeof startTestStack>> | null = null;
    try {
      // kafkajs logs every failed reconnection as an error: expected here.
      const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
      stack = await startTestStack(
        { KAFKA_BROKERS: own.brokers, INGEST_ENABLED: 'true', KAFKA_STOP_TIMEOUT_MS: '1000' },
        { logDestination: quiet },
      );
      // The mock creates a topic when it is first produced to.
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: stack.topics.appeals, messages: [{ value: 'not json' }] });
      await producer.disconnect();
      // Both consumers are members of their groups (leaving them is what needs the broker): the
      // appeals consumer has dead-lettered the malformed appeal it was sent.
      const ingest = stack.app.get(IngestConsumer);
      const deadLetters = stack.app.get(MetricsService).deadLetters;
      await eventually('both consumers to run', async () => {
        const { values } = await deadLetters.get();
        const appealRefused = values.some((v) => v.labels['reason'] === 'invalid_appeal');
        return ingest.state === 'running' && appealRefused;
      });

      own.process.kill('SIGKILL');
      const started = Date.now();
      const stopping = stack.stop();
      stack = null;
      await stopping;
      // Three bounded steps (ingest consumer, appeals consumer, producer). Unbounded, kafkajs
      // retries leaving a group for 6–12 s.
      expect(Date.now() - started).toBeLessThan(4000);
      // What was given up on goes on in the background until kafkajs's retries run out (8 of at
      // most 1 s); a process exits meanwhile, this spec lets them finish inside its environment.
      await new Promise((resolve) => setTimeout(resolve, 9000));
    } finally {
      own.process.kill('SIGKILL');
      await stack?.stop();
    }
  });
});
