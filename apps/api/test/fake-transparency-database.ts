import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * The test kit's fake of the DSA Transparency Database (fake-transparency-database.mjs, also
 * what `npm start` runs with SIEVE_FAKE_TDB=true) as a child process: real HTTP, its own
 * validation written from the database's public repository, no code shared with Sieve's builder.
 */
export interface FakeTransparencyDatabase {
  url: string;
  token: string;
  /** Accepted statements by puid. */
  stored(): Promise<Map<string, Record<string, unknown>>>;
  /** Every POST /api/v1/statements call, in order, with its answer. */
  calls(): Promise<{ size: number; status: number }[]>;
  /** Fail this share of calls transiently (seeded): half before storing, half after (answer lost). */
  setFailureRate(rate: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startFakeTransparencyDatabase(
  options: { token?: string; failureRate?: number; seed?: number } = {},
): Promise<FakeTransparencyDatabase> {
  const args = [join(__dirname, 'fake-transparency-database.mjs')];
  if (options.token) args.push('--token', options.token);
  args.push(
    '--failure-rate',
    String(options.failureRate ?? 0),
    '--seed',
    String(options.seed ?? 1),
  );
  const child: ChildProcess = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /FAKE_TDB_READY (\{.*\})/.exec(output);
      if (match) resolve(JSON.parse(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the fake database exited with ${code}`)));
  });
  const get = async <T>(path: string): Promise<T> =>
    (await fetch(ready.url + path)).json() as Promise<T>;
  return {
    ...ready,
    async stored() {
      const list = await get<Record<string, unknown>[]>('/__fake/statements');
      return new Map(list.map((s) => [String(s['puid']), s]));
    },
    calls: () => get('/__fake/calls'),
    async setFailureRate(failureRate) {
      await fetch(`${ready.url}/__fake/config`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ failureRate }),
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
