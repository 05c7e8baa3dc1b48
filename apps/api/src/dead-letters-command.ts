import { Logger } from '@nestjs/common';
import { createCommandContext } from './command-context';
import { DeadLetters } from './ingest/dead-letters.service';

const USAGE =
  'usage: npm run dead-letters -- [--replay --reason <reason> [--reason <reason> …] [--since <ISO time>] [--dry-run]]';

const values = (args: string[], name: string) =>
  args.flatMap((arg, i) => (arg === `--${name}` && args[i + 1] ? [args[i + 1]] : []));

/**
 * `--dead-letters`: what the dead-letter topic holds, per reason, with the latest few.
 * `--dead-letters --replay --reason R`: sends those dead letters back to the topic they came
 * from, once what refused them is fixed (docs/operations.md, "Replaying dead letters").
 */
export async function deadLettersCommand(args: string[]): Promise<number> {
  const replay = args.includes('--replay');
  const reasons = values(args, 'reason');
  const sinceText = values(args, 'since')[0];
  const since = sinceText === undefined ? undefined : new Date(sinceText);
  if (replay && reasons.length === 0) {
    console.error(`sieve-api: a replay names the reasons it replays (--reason)\n${USAGE}`);
    return 2;
  }
  if (since && Number.isNaN(since.getTime())) {
    console.error(`sieve-api: --since must be an ISO time\n${USAGE}`);
    return 2;
  }
  const app = await createCommandContext();
  const logger = new Logger('DeadLetters');
  try {
    const deadLetters = app.get(DeadLetters);
    if (!replay) {
      console.log(JSON.stringify(await deadLetters.survey(), null, 2));
      return 0;
    }
    const dryRun = args.includes('--dry-run');
    const report = await deadLetters.replay(
      { reasons, since, dryRun },
      { label: 'npm run dead-letters' },
    );
    logger.log(dryRun ? 'Dry run, nothing sent. It would replay:' : 'Replayed:');
    console.log(JSON.stringify(report, null, 2));
    return 0;
  } finally {
    await app.close();
  }
}
