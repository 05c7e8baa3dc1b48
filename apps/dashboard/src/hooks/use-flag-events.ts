import type { FlagEventDto } from '@sieve/contracts';
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { config } from '../config';
import { queryKeys } from './query-keys';

/** At most one refresh per this, however many events arrive (hundreds a second under load). */
const REFRESH_EVERY_MS = 1000;

/**
 * Live queue: the api announces new, claimed and decided flags as server-sent events. They
 * refresh only what they change — the queue's lists and counts, and the open flags they name —
 * at most once a second; an item's explanation, its author context and the stats page are
 * left alone.
 */
export function useFlagEvents(enabled: boolean): void {
  const client = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource(`${config.apiBaseUrl}/flags/events`);
    const refresher = new FlagRefresher(client);
    followFlagEvents(source, refresher);
    return () => {
      source.close();
      refresher.stop();
    };
  }, [client, enabled]);
}

/**
 * Feeds a stream's events to the refresher. What was flagged before the stream opened was not
 * announced on it: between the queue's first load and the stream's start on a page load, and
 * while the browser reopened a stream that ended (an api replica stopping, a network blip). So
 * each time the stream opens, the queue is refreshed once.
 */
export function followFlagEvents(source: EventTarget, refresher: FlagRefresher): void {
  const onEvent = (message: Event) => {
    try {
      refresher.add(JSON.parse((message as MessageEvent<string>).data) as FlagEventDto);
    } catch {
      refresher.add({ type: 'flag.updated', ids: [] });
    }
  };
  source.addEventListener('flag.created', onEvent);
  source.addEventListener('flag.updated', onEvent);
  source.addEventListener('open', () => refresher.add({ type: 'flag.updated', ids: [] }));
}

/** Collects events and refreshes what they touch, at most once per REFRESH_EVERY_MS. */
export class FlagRefresher {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly updated = new Set<string>();

  constructor(private readonly client: QueryClient) {}

  add(event: FlagEventDto): void {
    if (event.type === 'flag.updated') for (const id of event.ids) this.updated.add(id);
    this.timer ??= setTimeout(() => this.flush(), REFRESH_EVERY_MS);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private flush(): void {
    this.timer = null;
    void this.client.invalidateQueries({ queryKey: queryKeys.flagLists });
    void this.client.invalidateQueries({ queryKey: queryKeys.allFlagCounts });
    for (const id of this.updated) {
      void this.client.invalidateQueries({ queryKey: queryKeys.flag(id), exact: true });
    }
    this.updated.clear();
  }
}
