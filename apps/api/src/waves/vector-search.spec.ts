import { loadConfig } from '../config/app-config';
import type { ExactVectorSearch } from './exact-vector-search';
import type { PgvectorSearch, PgvectorState } from './pgvector-search';
import { VectorSearch } from './vector-search';
import type { VectorStore } from './vector.store';

/** The choice between pgvector and the exact search; the searches themselves run in integration specs. */
describe('VectorSearch', () => {
  const vectors = { info: { method: 'm', offline: true, label: 'offline' } } as VectorStore;

  function make(mode: string, available: boolean, state: PgvectorState) {
    const calls: string[] = [];
    const pgvector = {
      available: async () => available,
      prepare: async () => {
        calls.push('prepare');
        return state;
      },
      get state() {
        return state;
      },
      get ready() {
        return state.status === 'ready';
      },
      search: async () => {
        calls.push('pgvector');
        return [];
      },
    } as unknown as PgvectorSearch;
    const exact = {
      size: 3,
      release: () => calls.push('release'),
      search: async () => {
        calls.push('exact');
        return [];
      },
    } as unknown as ExactVectorSearch;
    const config = loadConfig({
      DATABASE_URL: 'postgres://x/y',
      KAFKA_BROKERS: 'k:9092',
      VECTOR_SEARCH: mode,
    });
    return { search: new VectorSearch(config, vectors, exact, pgvector), calls };
  }

  it('refuses to start with VECTOR_SEARCH=pgvector on a server without the extension', async () => {
    const { search } = make('pgvector', false, {
      status: 'unavailable',
      reason: 'not installed on this server',
    });
    await expect(search.onApplicationBootstrap()).rejects.toThrow(
      /VECTOR_SEARCH=pgvector, but this PostgreSQL server has no pgvector extension/,
    );
  });

  it('searches exactly where the server has no pgvector, and says so', async () => {
    const { search, calls } = make('auto', false, {
      status: 'unavailable',
      reason: 'not installed on this server',
    });
    await search.onApplicationBootstrap();
    await search.search(new Int8Array(4), 5, 0.5);
    expect(calls).toStrictEqual(['exact']);
    expect(await search.describe()).toStrictEqual({
      vectors: vectors.info,
      search: 'exact',
      pgvector: 'not installed on this server',
      vectorsInMemory: 3,
    });
  });

  it('switches to the index once it is ready and frees the vectors held in memory', async () => {
    const { search, calls } = make('auto', true, { status: 'ready', index: 'idx_x', dims: 4 });
    await search.onApplicationBootstrap();
    await search.onModuleDestroy(); // waits for the preparation
    await search.search(new Int8Array(4), 5, 0.5);
    expect(calls).toStrictEqual(['prepare', 'release', 'pgvector']);
    expect(search.kind).toBe('pgvector');
    expect((await search.describe()).pgvector).toBe(
      'used: HNSW index idx_x (cosine, 4 dimensions)',
    );
  });

  it('keeps the exact search while the index is being built', async () => {
    const { search, calls } = make('auto', true, { status: 'building', index: 'idx_x' });
    await search.onApplicationBootstrap();
    await search.onModuleDestroy();
    await search.search(new Int8Array(4), 5, 0.5);
    expect(calls).toStrictEqual(['prepare', 'exact']);
    expect((await search.describe()).pgvector).toMatch(
      /^building index idx_x: the exact search answers/,
    );
  });

  it('never prepares pgvector with VECTOR_SEARCH=exact', async () => {
    const { search, calls } = make('exact', true, { status: 'waiting', reason: 'starting' });
    await search.onApplicationBootstrap();
    expect(calls).toStrictEqual([]);
    expect((await search.describe()).pgvector).toBe(
      'available on this server, not used (VECTOR_SEARCH=exact)',
    );
  });
});
