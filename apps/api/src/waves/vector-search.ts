import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { inverseNorm } from '@sieve/moderation';
import { DataSource } from 'typeorm';
import { toVector, VectorStore } from './vector.store';

export interface VectorMatch {
  flagId: string;
  similarity: number;
}

/** Rows read per query while catching up. */
const CATCH_UP_ROWS = 20_000;

/**
 * Exact nearest-neighbour search over every flag's vector, in this replica's memory: a packed
 * int8 matrix (a vector of D dimensions costs D bytes) scanned in full per query. Each search
 * first reads the vectors other replicas (or this one) stored since the last (flag_vectors.seq).
 * Used where the server has no pgvector; the choice is reported by /api/health/ready.
 */
@Injectable()
export class VectorSearch {
  readonly kind = 'exact' as const;
  private dims = 0;
  private matrix = new Int8Array(0);
  private norms = new Float32Array(0);
  private flagIds: string[] = [];
  private lastSeq = '0';
  private catchingUp: Promise<void> | null = null;
  private pgvector: Promise<boolean> | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly vectors: VectorStore,
  ) {}

  get size(): number {
    return this.flagIds.length;
  }

  /** For /api/health/ready: the method, the search, and whether the server could do better. */
  async describe(): Promise<Record<string, unknown>> {
    this.pgvector ??= this.db
      .query(`SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') AS found`)
      .then(([row]: { found: boolean }[]) => row.found);
    return {
      vectors: this.vectors.info,
      search: this.kind,
      pgvector: (await this.pgvector)
        ? 'available on this server, not used yet: the exact search answers'
        : 'not installed on this server',
      vectorsInMemory: this.size,
    };
  }

  /** The `k` flags most similar to the vector (cosine ≥ `min`), most similar first. */
  async search(
    query: Int8Array,
    k: number,
    min: number,
    options: { exclude?: string } = {},
  ): Promise<VectorMatch[]> {
    await this.catchUp();
    return this.scan(query, k, min, options.exclude);
  }

  private scan(query: Int8Array, k: number, min: number, exclude?: string): VectorMatch[] {
    if (query.length !== this.dims || this.size === 0) return [];
    const qn = inverseNorm(query);
    const dims = this.dims;
    const best: VectorMatch[] = [];
    let floor = min;
    for (let row = 0, offset = 0; row < this.flagIds.length; row++, offset += dims) {
      let dot = 0;
      for (let i = 0; i < dims; i++) dot += query[i] * this.matrix[offset + i];
      const s = dot * qn * this.norms[row];
      if (s < floor || this.flagIds[row] === exclude) continue;
      best.push({ flagId: this.flagIds[row], similarity: s });
      if (best.length > k * 4) {
        best.sort((a, b) => b.similarity - a.similarity);
        best.length = k;
        floor = best[k - 1].similarity;
      }
    }
    return best.sort((a, b) => b.similarity - a.similarity).slice(0, k);
  }

  /** Reads the vectors stored since the last call (concurrent callers share one read). */
  catchUp(): Promise<void> {
    this.catchingUp ??= this.readNew().finally(() => (this.catchingUp = null));
    return this.catchingUp;
  }

  private async readNew(): Promise<void> {
    for (;;) {
      const rows: { seq: string; flag_id: string; vector: Buffer }[] = await this.db.query(
        `SELECT f.seq, f.flag_id, t.vector FROM flag_vectors f
         JOIN text_vectors t ON t.method = f.method AND t.text_hash = f.text_hash
         WHERE f.seq > $1 AND f.method = $2 ORDER BY f.seq LIMIT ${CATCH_UP_ROWS}`,
        [this.lastSeq, this.vectors.method],
      );
      for (const row of rows) this.add(row.flag_id, toVector(row.vector));
      if (rows.length) this.lastSeq = rows[rows.length - 1].seq;
      if (rows.length < CATCH_UP_ROWS) return;
    }
  }

  private add(flagId: string, vector: Int8Array): void {
    if (this.dims === 0) this.dims = vector.length;
    if (vector.length !== this.dims) return;
    const row = this.flagIds.length;
    if ((row + 1) * this.dims > this.matrix.length) {
      const capacity = Math.max(1024, row * 2);
      const matrix = new Int8Array(capacity * this.dims);
      matrix.set(this.matrix);
      this.matrix = matrix;
      const norms = new Float32Array(capacity);
      norms.set(this.norms);
      this.norms = norms;
    }
    this.matrix.set(vector, row * this.dims);
    this.norms[row] = inverseNorm(vector);
    this.flagIds.push(flagId);
  }
}
