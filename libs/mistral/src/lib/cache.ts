import { LRUCache } from 'lru-cache';

export interface CacheOptions {
  /** Entries kept; least recently used are evicted. Default 1000. */
  maxEntries?: number;
  /** Default one hour. */
  ttlMs?: number;
}

/** JSON with object keys sorted, so equal requests give equal keys whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A TTL + LRU cache of responses for deterministic calls, keyed by path and canonical request. */
export class ResponseCache {
  private readonly lru: LRUCache<string, object>;
  hits = 0;
  misses = 0;

  constructor(options: CacheOptions = {}) {
    this.lru = new LRUCache({ max: options.maxEntries ?? 1000, ttl: options.ttlMs ?? 3_600_000 });
  }

  key(path: string, body: unknown): string {
    return `${path} ${canonicalJson(body)}`;
  }

  get<T>(key: string): T | undefined {
    const value = this.lru.get(key) as T | undefined;
    if (value === undefined) this.misses++;
    else this.hits++;
    return value === undefined ? undefined : structuredClone(value);
  }

  set(key: string, value: object): void {
    this.lru.set(key, structuredClone(value));
  }
}

/** Moderation and embeddings always; chat only at temperature 0 or with a seed, and not streamed. */
export function isDeterministic(path: string, body: Record<string, unknown>): boolean {
  if (path === '/v1/moderations' || path === '/v1/chat/moderations' || path === '/v1/embeddings')
    return true;
  if (path === '/v1/chat/completions') {
    return (
      !body['stream'] && (body['temperature'] === 0 || typeof body['random_seed'] === 'number')
    );
  }
  return false;
}
