// What a running `npm start` tells the commands run beside it (`npm run rescore`, `retention`):
// where its embedded PostgreSQL and Kafka-protocol broker listen. Only embedded parts are
// written (a DATABASE_URL of the operator's own is never copied to disk), readable by the owner
// only, and removed when it stops.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const RUNNING_FILE = 'running.json';

export function writeRunning(path, running) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(running), { mode: 0o600 });
}

/** The running system's settings, or null when none runs (no file, or its process is gone). */
export function readRunning(path) {
  let running;
  try {
    running = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
  try {
    process.kill(running.pid, 0);
  } catch (error) {
    // EPERM: alive, another user's. Anything else: it died without cleaning up.
    if (error.code !== 'EPERM') return null;
  }
  delete running.pid;
  return running;
}
