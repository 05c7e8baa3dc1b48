import { startTestStack } from '../test/test-stack';
import { StrikesService } from './authors/strikes.service';
import { ONE_OFF_COMMAND_ENV } from './command-context';
import { rescoreCommand } from './rescore-command';
import { retentionCommand } from './retention-command';

describe('one-off commands', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    // The stack's own api runs no periodic jobs either: only a command could have done the work.
    stack = await startTestStack({ INGEST_ENABLED: 'false', BACKGROUND_JOBS_ENABLED: 'false' });
  });
  afterAll(() => stack?.stop());
  beforeEach(() => {
    env = { ...process.env };
  });
  afterEach(() => {
    // A command sets its switches in the environment of what is, outside specs, its own process.
    for (const name of Object.keys(ONE_OFF_COMMAND_ENV)) {
      if (env[name] === undefined) delete process.env[name];
      else process.env[name] = env[name];
    }
  });

  const dueAuthor = async () =>
    (
      await stack.db.query(
        `SELECT strikes, level, recount_at < now() AS due FROM author_strikes
         WHERE source = 'seed' AND author_id = 'due-author'`,
      )
    ).rows[0] as { strikes: number; level: string; due: boolean | null };

  it('run only what they say: a dry run leaves the periodic jobs to the serving replicas', async () => {
    // An author due for a recount (a decision lifted their strikes a minute ago): every replica's
    // periodic job would count them at once.
    await stack.db.query(
      `INSERT INTO author_strikes (source, author_id, strikes, level, recount_at)
       VALUES ('seed', 'due-author', 3, 'raise', now() - interval '1 minute')`,
    );
    const printed: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => {
      printed.push(line);
    });
    try {
      expect(await retentionCommand(['--retention', '--dry-run'])).toBe(0);
      expect(JSON.parse(printed.join('\n'))).toMatchObject({ dryRun: true });
      const now = Date.now();
      expect(
        await rescoreCommand([
          '--rescore',
          '--from',
          new Date(now - 3_600_000).toISOString(),
          '--to',
          new Date(now).toISOString(),
          '--dry-run',
        ]),
      ).toBe(0);
    } finally {
      log.mockRestore();
    }
    expect(await dueAuthor()).toStrictEqual({ strikes: 3, level: 'raise', due: true });

    // What a serving replica's job does with them (so the row above was really due).
    await stack.app.get(StrikesService).recountDue();
    expect(await dueAuthor()).toStrictEqual({ strikes: 0, level: 'none', due: null });
  });
});
