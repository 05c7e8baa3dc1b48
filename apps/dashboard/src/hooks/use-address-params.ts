import { useEffect, useRef } from 'react';
import { type NavigateOptions, useSearchParams } from 'react-router-dom';

/**
 * The address's query parameters, and a way to change some of them that keeps quick changes.
 * The router commits a new address in a transition: a second change made before it lands must
 * build on the first, not on the address of the last render (which would drop the first).
 * react-router's own functional form reads that same last render, so it does not help.
 */
export function useAddressParams() {
  const [params, setParams] = useSearchParams();
  const pending = useRef<URLSearchParams | null>(null);
  useEffect(() => {
    pending.current = null;
  }, [params]);

  const change = (edit: (next: URLSearchParams) => void, options?: NavigateOptions) => {
    const next = new URLSearchParams(pending.current ?? params);
    edit(next);
    pending.current = next;
    setParams(next, options);
  };
  return [params, change] as const;
}
