import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ExactVectorSearch } from './exact-vector-search';
import { PgvectorSearch } from './pgvector-search';
import { VectorStore } from './vector.store';

export interface VectorMatch {
  flagId: string;
  similarity: number;
}

/** When a replica looks again while the pgvector index cannot be used yet, by why not. */
const RETRY_MS = { waiting: 5_000, building: 10_000, failed: 60_000 } as const;

/**
 * Search by meaning over every flag's vector, behind one interface: pgvector's HNSW index where
 * the server has the extension (VECTOR_SEARCH=auto or pgvector), the exact in-memory search
 * otherwise and until the index is ready. /api/health/ready reports which one answers.
 */
@Injectable()
export class VectorSearch implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Waves');
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private preparing: Promise<unknown> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly vectors: VectorStore,
    private readonly exact: ExactVectorSearch,
    private readonly pgvector: PgvectorSearch,
  ) {}

  get kind(): 'exact' | 'pgvector' {
    return this.pgvector.ready ? 'pgvector' : 'exact';
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.VECTOR_SEARCH === 'exact') return;
    if (await this.pgvector.available()) this.prepare();
    else if (this.config.VECTOR_SEARCH === 'pgvector')
      throw new Error(
        'VECTOR_SEARCH=pgvector, but this PostgreSQL server has no pgvector extension: install it (the docker-compose image has it) or set VECTOR_SEARCH=auto',
      );
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.preparing?.catch(() => undefined);
  }

  /** In the background: building the index over existing vectors can take minutes. */
  private prepare(): void {
    this.preparing = this.pgvector.prepare().then((state) => {
      if (state.status === 'ready') {
        this.exact.release();
        return;
      }
      if (state.status === 'unavailable') {
        if (this.config.VECTOR_SEARCH === 'pgvector')
          this.logger.error(`pgvector: ${state.reason}`);
        return;
      }
      if (state.status === 'failed') this.logger.warn(`pgvector index: ${state.reason}`);
      if (!this.stopped) this.timer = setTimeout(() => this.prepare(), RETRY_MS[state.status]);
    });
  }

  /** For /api/health/ready: the method, the search that answers, and pgvector's state. */
  async describe(): Promise<Record<string, unknown>> {
    return {
      vectors: this.vectors.info,
      search: this.kind,
      pgvector: await this.describePgvector(),
      vectorsInMemory: this.exact.size,
    };
  }

  private async describePgvector(): Promise<string> {
    const state = this.pgvector.state;
    if (this.config.VECTOR_SEARCH === 'exact')
      return (await this.pgvector.available())
        ? 'available on this server, not used (VECTOR_SEARCH=exact)'
        : 'not installed on this server';
    switch (state.status) {
      case 'ready':
        return `used: HNSW index ${state.index} (cosine, ${state.dims} dimensions)`;
      case 'building':
        return `building index ${state.index}: the exact search answers until it is ready`;
      case 'waiting':
        return `available, index not built yet (${state.reason}): the exact search answers`;
      case 'failed':
        return `index build failed (${state.reason}): the exact search answers; retrying`;
      case 'unavailable':
        return state.reason;
    }
  }

  /** The `k` flags most similar to the vector (cosine ≥ `min`), most similar first. */
  search(
    query: Int8Array,
    k: number,
    min: number,
    options: { exclude?: string } = {},
  ): Promise<VectorMatch[]> {
    return this.pgvector.ready
      ? this.pgvector.search(query, k, min, options)
      : this.exact.search(query, k, min, options);
  }
}
