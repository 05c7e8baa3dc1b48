import { Logger } from '@nestjs/common';
import { createCommandContext } from './command-context';
import { RescoreService } from './ingest/rescore.service';

const USAGE =
  'usage: node main.js --rescore --from <ISO time> --to <ISO time> [--policy <version>] [--dry-run] [--batch-api | --online] [--judge]';

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}

/** `--rescore`: re-scores stored events of a time range (see RescoreService); prints progress. */
export async function rescoreCommand(args: string[]): Promise<number> {
  const from = new Date(option(args, 'from') ?? '');
  const to = new Date(option(args, 'to') ?? '');
  const policyText = option(args, 'policy');
  const policyVersion = policyText === undefined ? undefined : Number(policyText);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
    console.error(`sieve-api: --from and --to must be ISO times, from before to\n${USAGE}`);
    return 2;
  }
  if (policyVersion !== undefined && !Number.isInteger(policyVersion)) {
    console.error(`sieve-api: --policy must be a policy version number\n${USAGE}`);
    return 2;
  }
  const app = await createCommandContext();
  const logger = new Logger('Rescore');
  try {
    const dryRun = args.includes('--dry-run');
    const viaBatchApi = args.includes('--batch-api')
      ? true
      : args.includes('--online')
        ? false
        : undefined;
    const result = await app.get(RescoreService).run({
      from,
      to,
      policyVersion,
      dryRun,
      viaBatchApi,
      judge: args.includes('--judge'),
      onProgress: ({ batchJob: job, ...p }) =>
        logger.log(
          job
            ? `${p.done}/${p.total}: Batch API job ${job.jobId} ${job.status}, ${job.completedRequests}/${job.totalRequests} requests`
            : `${p.done}/${p.total} (${p.total ? Math.round((p.done / p.total) * 100) : 100}%): ${p.changed} decisions changed, ${p.newlyFlagged} newly flagged, ${p.noLongerFlagged} no longer flagged, ${p.refused} refused, ${p.judged} judged`,
        ),
    });
    logger.log(`${dryRun ? 'Dry run, nothing written: ' : 'Done: '}${JSON.stringify(result)}`);
    return 0;
  } finally {
    await app.close();
  }
}
