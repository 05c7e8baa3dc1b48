import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Int8Matrix, inverseNorm } from '@sieve/moderation';
import { DataSource } from 'typeorm';
import type { VectorMatch } from './vector-search';
import { toVector, VectorStore } from './vector.store';

/** Rows read per query while catching up. */
const CATCH_UP_ROWS = 20_000;

/**
 * Exact nearest-neighbour search over every flag's vector, in this replica's memory: a packed
 * int8 matrix (a vector of D dimensions costs D bytes) scanned in full per query, with
 * WebAssembly SIMD (Int8Matrix: ~10–30 ms per 100,000 vectors of 1,024 dimensions). Each search
 * first reads the vectors other replicas (or this one) stored since the last (flag_vectors.seq).
 * Used where the server has no pgvector (or until its index is ready): see VectorSearch.
 */
@Injectable()
export class ExactVectorSearch {
  private matrix: Int8Matrix | null = null;
  private norms = new Float32Array(0);
  /** Each row's flag id as 16 bytes: strings would cost ~5× as much, on the JavaScript heap. */
  private flagIds = new Uint8Array(0);
  private rows = 0;
  private lastSeq = '0';
  private lastErasedSeq = '0';
  private catchingUp: Promise<void> | null = null;
  /** Bumped by release(): a catch-up begun before it adds nothing after. */
  private generation = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly vectors: VectorStore,
  ) {}

  get size(): number {
    return this.rows;
  }

  /** Frees the vectors held in memory: the pgvector index answers from now on. */
  release(): void {
    this.generation++;
    this.matrix = null;
    this.norms = new Float32Array(0);
    this.flagIds = new Uint8Array(0);
    this.rows = 0;
    this.lastSeq = '0';
    this.lastErasedSeq = '0';
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
    if (!this.matrix || query.length !== this.matrix.dims || this.size === 0) return [];
    const dots = this.matrix.dots(query);
    const qn = inverseNorm(query);
    const best: VectorMatch[] = [];
    let floor = min;
    for (let row = 0; row < dots.length; row++) {
      if (this.norms[row] === 0) continue; // erased (or a zero vector)
      const s = dots[row] * qn * this.norms[row];
      if (s < floor) continue;
      const flagId = this.flagIdOf(row);
      if (flagId === exclude) continue;
      best.push({ flagId, similarity: s });
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
    const generation = this.generation;
    for (;;) {
      const rows: { seq: string; flag_id: string; vector: Buffer }[] = await this.db.query(
        `SELECT f.seq, f.flag_id, t.vector FROM flag_vectors f
         JOIN text_vectors t ON t.method = f.method AND t.text_hash = f.text_hash
         WHERE f.seq > $1 AND f.method = $2 ORDER BY f.seq LIMIT ${CATCH_UP_ROWS}`,
        [this.lastSeq, this.vectors.method],
      );
      if (generation !== this.generation) return;
      for (const row of rows) this.add(row.flag_id, toVector(row.vector));
      if (rows.length) this.lastSeq = rows[rows.length - 1].seq;
      if (rows.length < CATCH_UP_ROWS) break;
    }
    // Vectors erased on request since: out of memory too (rarely more than a few rows).
    const erased: { seq: string; flag_id: string }[] = await this.db.query(
      `SELECT seq, flag_id FROM erased_vectors WHERE seq > $1 ORDER BY seq`,
      [this.lastErasedSeq],
    );
    if (generation !== this.generation) return;
    for (const row of erased) this.drop(row.flag_id);
    if (erased.length) this.lastErasedSeq = erased[erased.length - 1].seq;
  }

  /** Zeroes a flag's row, vector and norm: no search finds it again. */
  private drop(flagId: string): void {
    if (!this.matrix) return;
    const id = Buffer.from(flagId.replace(/-/g, ''), 'hex');
    const ids = Buffer.from(this.flagIds.buffer, 0, this.rows * 16);
    for (let at = ids.indexOf(id); at !== -1; at = ids.indexOf(id, at + 1)) {
      if (at % 16 !== 0) continue;
      this.matrix.clear(at / 16);
      this.norms[at / 16] = 0;
    }
  }

  private add(flagId: string, vector: Int8Array): void {
    this.matrix ??= new Int8Matrix(vector.length);
    if (vector.length !== this.matrix.dims) return;
    const row = this.matrix.add(vector);
    if (row >= this.norms.length) {
      const capacity = Math.max(1024, row * 2);
      const norms = new Float32Array(capacity);
      norms.set(this.norms);
      this.norms = norms;
      const flagIds = new Uint8Array(capacity * 16);
      flagIds.set(this.flagIds);
      this.flagIds = flagIds;
    }
    this.norms[row] = inverseNorm(vector);
    this.flagIds.set(Buffer.from(flagId.replace(/-/g, ''), 'hex'), row * 16);
    this.rows = row + 1;
  }

  private flagIdOf(row: number): string {
    const hex = Buffer.from(this.flagIds.buffer, row * 16, 16).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}
