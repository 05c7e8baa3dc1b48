import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { Client } from 'pg';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { inUtc } from './data-source';

type Handler = (payload: string) => void;

/**
 * One LISTEN connection per process for every channel the api follows (live flag events, the
 * decision outbox). It reconnects with a growing delay; notifications sent while it was down are
 * lost, so followers must not rely on them alone (the outbox relay also polls; the dashboard
 * refetches on reconnect).
 */
@Injectable()
export class PgNotificationsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('PgNotifications');
  private readonly handlers = new Map<string, Set<Handler>>();
  private client: Client | null = null;
  private stopping = false;
  private retryMs = 500;
  private listening: Promise<unknown> = Promise.resolve();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Calls `handler` with each payload NOTIFYed on `channel` (a plain identifier). */
  listen(channel: string, handler: Handler): void {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
    let handlers = this.handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.handlers.set(channel, handlers);
      const client = this.client;
      // One query at a time on the connection: pg queues overlapping ones, with a warning.
      if (client) {
        this.listening = this.listening
          .then(() => client.query(`LISTEN ${channel}`))
          .catch(() => undefined);
      }
    }
    handlers.add(handler);
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopping) return; // a reconnect timer that fired after the stop
    const client = new Client({
      connectionString: inUtc(this.config.DATABASE_URL),
      application_name: 'sieve-api-listen',
    });
    client.on('notification', ({ channel, payload }) => {
      for (const handler of this.handlers.get(channel) ?? []) {
        try {
          handler(payload ?? '');
        } catch (error) {
          this.logger.warn(`a ${channel} handler failed: ${(error as Error).message}`);
        }
      }
    });
    client.on('error', (error) => {
      this.logger.warn(`listener connection failed (${error.message}); reconnecting`);
      this.reconnect(client);
    });
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
      this.client = client;
      this.retryMs = 500;
    } catch (error) {
      this.logger.warn(`cannot listen yet (${(error as Error).message}); retrying`);
      this.reconnect(client);
    }
  }

  private reconnect(failed: Client): void {
    void failed.end().catch(() => undefined);
    if (this.client === failed) this.client = null;
    if (this.stopping) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 30_000);
    setTimeout(() => void this.connect(), delay).unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.client?.end().catch(() => undefined);
  }
}
