import { Logger } from '@nestjs/common';
import { createCommandContext } from './command-context';
import { RetentionService } from './retention/retention.service';

/**
 * `--retention [--dry-run]`: enforces retention now (docs/retention.md), or with `--dry-run`
 * prints what it would remove and changes nothing.
 */
export async function retentionCommand(args: string[]): Promise<number> {
  const app = await createCommandContext();
  const logger = new Logger('Retention');
  try {
    const dryRun = args.includes('--dry-run');
    const report = await app.get(RetentionService).run({ dryRun });
    if (!report) {
      logger.warn('another process is running retention now; nothing done');
      return 1;
    }
    logger.log(dryRun ? 'Dry run, nothing removed. It would remove:' : 'Removed:');
    console.log(JSON.stringify(report, null, 2));
    return 0;
  } finally {
    await app.close();
  }
}
