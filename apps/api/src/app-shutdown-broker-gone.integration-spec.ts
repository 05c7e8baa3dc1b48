import { Writable } from 'node:stream';
import { eventually, startTestStack } from '../test/test-stack';
import { IngestConsumer } from './ingest/ingest.consumer';
import { MetricsService } from './metrics/metrics.service';

// The api's words when a shutdown step outlives its bound, and when it ends after all.
const GAVE_UP = /did not [^"]* within \d+ ms/;
const FINISHED_LATE = /after all, \d+ ms/;

const brokerPid = Number(process.env['SIEVE_TEST_KAFKA_PID'] ?? 0);
const withLocalBroker = brokerPid > 0 ? it : it.skip;

// A file of its own: nestjs-pino keeps one root logger per module registry (the first app's),
// and this spec reads its app's log.
describe('stopping the api when the broker stopped answering', () => {
  // The shared mock broker, paused (SIGSTOP): a broker that no longer answers.
  withLocalBroker('does not wait on a broker that stopped answering', async () => {
    // kafkajs logs every request that times out as an error: expected here, and kept off the
    // output. The api's own lines are kept, to know when the steps it gave up on finished.
    const lines: string[] = [];
    const log = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        lines.push(chunk.toString());
        done();
      },
    });
    const count = (pattern: RegExp) => lines.filter((line) => pattern.test(line)).length;
    const stack = await startTestStack(
      { INGEST_ENABLED: 'true', KAFKA_STOP_TIMEOUT_MS: '1000', LOG_LEVEL: 'info' },
      { logDestination: log },
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
      expect(count(GAVE_UP)).toBeGreaterThan(0);
    } finally {
      process.kill(brokerPid, 'SIGCONT');
      // What was given up on goes on once the broker answers, and ends: wait for it, so that
      // kafkajs does not load its leave-group request after this spec's environment is gone.
      await eventually(
        'every step given up on to finish',
        async () => count(FINISHED_LATE) === count(GAVE_UP),
      );
      await stack.stop(); // the spec's own clients; closing the app again does nothing
    }
  });
});
