import { spawn, spawnSync } from 'node:child_process';

/**
 * Starts librdkafka's Kafka-protocol mock cluster through kcat and resolves to its bootstrap
 * address. Topics auto-create on first use with 4 partitions; state dies with the process.
 *
 * `survivesCtrlC`: a terminal's Ctrl-C signals every process in the foreground group at once, so
 * the broker would vanish while the api is still leaving its groups and flushing. With it, kcat
 * runs in a session of its own and is stopped by whoever started it; `setpriv --pdeathsig`
 * (util-linux) kills it if its parent dies without stopping it, so it is never orphaned. Without
 * setpriv it stays in the caller's group.
 */
export function startMockKafka({
  log = () => undefined,
  timeoutMs = 15_000,
  survivesCtrlC = false,
} = {}) {
  const ownSession = survivesCtrlC && spawnSync('setpriv', ['--version']).status === 0;
  return new Promise((resolve, reject) => {
    const args = [
      ...['-b', 'dummy:9092', '-X', 'test.mock.num.brokers=1', '-d', 'mock'],
      ...['-C', '-t', '__sieve_mock_keepalive', '-o', 'end', '-q'],
    ];
    const options = { stdio: ['ignore', 'ignore', 'pipe'], detached: ownSession };
    const child = ownSession
      ? spawn('setpriv', ['--pdeathsig', 'TERM', '--', 'kcat', ...args], options)
      : spawn('kcat', args, options);
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
