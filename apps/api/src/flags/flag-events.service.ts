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
  const parts: string[] = [];
  for (let i = 0; i < event.ids.length; i += NOTIFY_IDS)
    parts.push(JSON.stringify({ type: event.type, ids: event.ids.slice(i, i + NOTIFY_IDS) }));
  if (!parts.length) return;
  await manager.query(`SELECT pg_notify($1, part) FROM unnest($2::text[]) AS part`, [
    FLAG_EVENTS_CHANNEL,
    parts,
  ]);
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
