import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { WakeableSleep } from '../common/wakeable-sleep';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { StatementsService } from './statements.service';
import { TransparencyDatabaseSubmitter, TDB_BATCH } from './transparency-database.submitter';

const BUILD_EVERY_MS = 2000;
const SUBMIT_POLL_MS = 1000;

/** Builds statements every 2 s and, when configured, keeps submitting them. */
@Injectable()
export class StatementsWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Statements');
  private stopping = false;
  private loops: Promise<void>[] = [];
  private readonly pauses: WakeableSleep[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly statements: StatementsService,
    private readonly submitter: TransparencyDatabaseSubmitter,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.STATEMENTS_ENABLED) return;
    this.loops.push(this.every(BUILD_EVERY_MS, () => this.build()));
    if (this.statements.submitting) {
      this.loops.push(this.every(SUBMIT_POLL_MS, () => this.submit()));
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    for (const pause of this.pauses) pause.wake();
    await Promise.all(this.loops);
  }

  private async build(): Promise<void> {
    while (!this.stopping && (await this.statements.buildPass()) > 0);
    const { pending, drafts } = await this.statements.backlog();
    this.metrics.statementsPending.set(pending);
    this.metrics.statementDrafts.set(drafts);
  }

  private async submit(): Promise<void> {
    while (!this.stopping && (await this.submitter.submitNext()) === TDB_BATCH);
  }

  private async every(ms: number, pass: () => Promise<void>): Promise<void> {
    const pause = new WakeableSleep();
    this.pauses.push(pause);
    while (!this.stopping) {
      try {
        await pass();
      } catch (error) {
        this.logger.warn(`statements pass failed (${(error as Error).message}); retrying`);
      }
      if (!this.stopping) await pause.sleep(ms);
    }
  }
}
