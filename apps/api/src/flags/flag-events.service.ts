import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { FlagEventDto } from '@sieve/contracts';
import { Client } from 'pg';
import { Subject } from 'rxjs';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

export const FLAG_EVENTS_CHANNEL = 'sieve_flag_events';

/** Queues a flag event; Postgres delivers it when (and only if) the transaction commits. */
export async function notifyFlagEvent(manager: EntityManager, event: FlagEventDto): Promise<void> {
  await manager.query(`SELECT pg_notify($1, $2)`, [FLAG_EVENTS_CHANNEL, JSON.stringify(event)]);
}

/**
 * Live queue updates across every api replica: writers NOTIFY inside their transactions, and
 * each replica LISTENs on one connection and fans events out to its server-sent-event clients.
 */
@Injectable()
export class FlagEventsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('FlagEvents');
  readonly events = new Subject<FlagEventDto>();
  private client: Client | null = null;
  private stopping = false;
  private retryMs = 500;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  private async listen(): Promise<void> {
    const client = new Client({
      connectionString: this.config.DATABASE_URL,
      application_name: 'sieve-api-listen',
    });
    client.on('notification', (message) => {
      if (message.channel !== FLAG_EVENTS_CHANNEL || !message.payload) return;
      try {
        this.events.next(JSON.parse(message.payload) as FlagEventDto);
      } catch {
        // not ours to fail on
      }
    });
    client.on('error', (error) => {
      this.logger.warn(`listener connection failed (${error.message}); reconnecting`);
      this.reconnect(client);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${FLAG_EVENTS_CHANNEL}`);
      this.client = client;
      this.retryMs = 500;
    } catch (error) {
      this.logger.warn(`cannot listen for flag events yet (${(error as Error).message}); retrying`);
      this.reconnect(client);
    }
  }

  private reconnect(failed: Client): void {
    void failed.end().catch(() => undefined);
    if (this.client === failed) this.client = null;
    if (this.stopping) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 30_000);
    setTimeout(() => void this.listen(), delay).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.events.complete();
    await this.client?.end().catch(() => undefined);
  }
}
