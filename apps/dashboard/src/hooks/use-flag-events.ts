import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { config } from '../config';

/**
 * Live queue: the api announces new, claimed and decided flags as server-sent events; each one
 * refreshes the flag queries (coalesced, so a burst of events costs one refetch).
 */
export function useFlagEvents(enabled: boolean): void {
  const client = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource(`${config.apiBaseUrl}/flags/events`);
    let pending: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      pending ??= setTimeout(() => {
        pending = null;
        void client.invalidateQueries({ queryKey: ['flags'] });
      }, 250);
    };
    source.addEventListener('flag.created', refresh);
    source.addEventListener('flag.updated', refresh);
    return () => {
      source.close();
      if (pending) clearTimeout(pending);
    };
  }, [client, enabled]);
}
