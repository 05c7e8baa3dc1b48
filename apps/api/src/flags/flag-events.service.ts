import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { FlagEventDto } from '@sieve/contracts';
import { Subject } from 'rxjs';
import type { EntityManager } from 'typeorm';
import { PgNotificationsService } from '../database/pg-notifications.service';

export const FLAG_EVENTS_CHANNEL = 'sieve_flag_events';

/** Ids per NOTIFY: its payload must stay under 8000 bytes. */
export const NOTIFY_IDS = 100;

/**
 * Queues a flag event; Postgres delivers it when (and only if) the transaction commits. Many ids
 * go as several events (a NOTIFY payload is at most 8000 bytes).
 */
export async function notifyFlagEvent(manager: EntityManager, event: FlagEventDto): Promise<void> {
  for (let i = 0; i < event.ids.length; i += NOTIFY_IDS) {
    const part: FlagEventDto = { type: event.type, ids: event.ids.slice(i, i + NOTIFY_IDS) };
    await manager.query(`SELECT pg_notify($1, $2)`, [FLAG_EVENTS_CHANNEL, JSON.stringify(part)]);
  }
}

/**
 * Live queue updates across every api replica: writers NOTIFY inside their transactions, and
 * each replica LISTENs and fans events out to its server-sent-event clients.
 */
@Injectable()
export class FlagEventsService implements OnApplicationShutdown {
  readonly events = new Subject<FlagEventDto>();

  constructor(notifications: PgNotificationsService) {
    notifications.listen(FLAG_EVENTS_CHANNEL, (payload) => {
      try {
        this.events.next(JSON.parse(payload) as FlagEventDto);
      } catch {
        // not ours to fail on
      }
    });
  }

  onApplicationShutdown(): void {
    this.events.complete();
  }
}
