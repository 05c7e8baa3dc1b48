import { spawn } from 'node:child_process';

/**
 * Starts librdkafka's Kafka-protocol mock cluster through kcat and resolves to its bootstrap
 * address. Topics auto-create on first use with 4 partitions; state dies with the process.
 */
export function startMockKafka({ log = () => undefined, timeoutMs = 15_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'kcat',
      [
        '-b',
        'dummy:9092',
        '-X',
        'test.mock.num.brokers=1',
        '-d',
        'mock',
        '-C',
        '-t',
        '__sieve_mock_keepalive',
        '-o',
        'end',
        '-q',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let seen = '';
    let settled = false;
    const timer = setTimeout(
      () => fail(new Error(`kcat printed no bootstrap address within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const fail = (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.on('error', (error) => fail(new Error(`could not run kcat: ${error.message}`)));
    child.on('exit', (code) => {
      if (!settled)
        fail(
          new Error(
            `kcat exited with code ${code} before the mock cluster started: ${seen.slice(-500)}`,
          ),
        );
      else log(`mock Kafka cluster exited (code ${code})`);
    });
    child.stderr.on('data', (chunk) => {
      if (settled) return; // keep draining so kcat never blocks on a full pipe
      seen += chunk.toString();
      const match = seen.match(/bootstrap\.servers=(\S+)/);
      if (!match) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        brokers: match[1],
        pid: child.pid,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
