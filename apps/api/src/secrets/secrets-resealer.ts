import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { SEALED_COLUMNS } from './sealed-columns';
import { SecretBox, SecretOpenError } from './secret-box';

/**
 * At start, seals what is stored as it is (a key set for the first time) and reseals what a
 * previous key sealed (a key rotated), so that the previous key can then be dropped. Replicas
 * starting together do not clash: a value is replaced only if it is still the one read.
 */
@Injectable()
export class SecretsResealer implements OnApplicationBootstrap {
  private readonly logger = new Logger('Secrets');

  constructor(
    private readonly box: SecretBox,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.BACKGROUND_JOBS_ENABLED) return; // a one-off command: only what it says
    if (!this.box.sealing) {
      this.logger.warn(
        'SECRETS_KEY is not set: TOTP secrets and webhook signing secrets are stored unsealed',
      );
      return;
    }
    const { resealed, unopened } = await this.resealAll();
    if (resealed) this.logger.log(`Sealed ${resealed} stored secrets with the current SECRETS_KEY`);
    if (unopened)
      this.logger.error(
        `No configured key opens ${unopened} stored secrets: put the key they were sealed with ` +
          'in SECRETS_PREVIOUS_KEYS (their second factors and webhooks fail until then)',
      );
  }

  /** Seals again what needs it; a value no configured key opens is counted and left. */
  async resealAll(): Promise<{ resealed: number; unopened: number }> {
    let resealed = 0;
    let unopened = 0;
    for (const { table, column, context } of SEALED_COLUMNS) {
      const rows: { id: string; value: string }[] = await this.db.query(
        `SELECT id, ${column} AS value FROM ${table} WHERE ${column} IS NOT NULL`,
      );
      for (const row of rows) {
        if (!this.box.needsResealing(row.value)) continue;
        let plain: string;
        try {
          plain = this.box.open(row.value, context(row.id));
        } catch (error) {
          if (!(error instanceof SecretOpenError)) throw error;
          unopened += 1;
          continue;
        }
        const sealed = this.box.seal(plain, context(row.id));
        const [, count]: [unknown[], number] = await this.db.query(
          `UPDATE ${table} SET ${column} = $2 WHERE id = $1 AND ${column} = $3`,
          [row.id, sealed, row.value],
        );
        resealed += count;
      }
    }
    return { resealed, unopened };
  }
}
