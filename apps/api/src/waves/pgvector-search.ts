import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { similarity } from '@sieve/moderation';
import { DataSource, type QueryRunner } from 'typeorm';
import { withSessionLock } from '../database/with-session-lock';
import type { VectorMatch } from './vector-search';
import { toVector, VectorStore } from './vector.store';

export type PgvectorState =
  | { status: 'unavailable'; reason: string }
  | { status: 'waiting'; reason: string }
  | { status: 'building'; index: string }
  | { status: 'ready'; index: string; dims: number }
  | { status: 'failed'; reason: string };

/**
 * Candidates HNSW keeps while searching, per result asked for: over 1M vectors of 1,024
 * dimensions, 2× found 90% of the true neighbours at the same speed as 1× (86%); docs/waves.md.
 */
const EF_SEARCH_PER_RESULT = 2;
/** The most candidates HNSW may keep while searching (pgvector's limit for hnsw.ef_search). */
const MAX_EF_SEARCH = 1000;

/** pgvector's limit for an HNSW index on halfvec. */
const MAX_HNSW_DIMS = 4000;

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * Search by meaning inside PostgreSQL, where the server has pgvector: an HNSW index (cosine) over
 * text_vectors, so no replica holds every vector in memory. The vectors stay int8 bytes in
 * text_vectors (one storage for both searches); the index is on an expression that reads them as
 * a halfvec (int8 values are exact in half precision), one partial index per vector method. It
 * is built concurrently by one replica; until it is valid the exact search answers.
 */
@Injectable()
export class PgvectorSearch {
  private readonly logger = new Logger('Waves');
  private current: PgvectorState = { status: 'waiting', reason: 'starting' };
  /** The extension's schema, quoted: its types and operator are named through it. */
  private schema = 'public';

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly vectors: VectorStore,
  ) {}

  get state(): PgvectorState {
    return this.current;
  }

  get ready(): boolean {
    return this.current.status === 'ready';
  }

  /** Whether the server could load pgvector (installed in this database, or installable). */
  async available(): Promise<boolean> {
    const [row]: { found: boolean }[] = await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') AS found`,
    );
    if (!row.found)
      this.current = { status: 'unavailable', reason: 'not installed on this server' };
    return row.found;
  }

  /**
   * Creates the extension, the conversion function and the index when they are missing, as far
   * as it can now; the state says how far it got. Safe to call again (and from every replica).
   */
  async prepare(): Promise<PgvectorState> {
    try {
      this.current = await this.tryPrepare();
    } catch (error) {
      this.current = { status: 'failed', reason: (error as Error).message };
    }
    return this.current;
  }

  private async tryPrepare(): Promise<PgvectorState> {
    const method = this.vectors.method;
    if (!/^[\w.:/-]{1,100}$/.test(method))
      return { status: 'unavailable', reason: `vector method name ${method} is not indexable` };
    if (!(await this.available())) return this.current;
    if (!(await this.extensionSchema())) {
      try {
        await this.db.query(`CREATE EXTENSION IF NOT EXISTS vector`);
      } catch (error) {
        return {
          status: 'unavailable',
          reason: `installed on this server, but Sieve may not create it in this database (${(error as Error).message}); CREATE EXTENSION vector as its owner`,
        };
      }
    }
    this.schema = quoteIdent((await this.extensionSchema()) as string);
    // The index's vectors have a fixed number of dimensions: the method's, read from a vector.
    const [sample]: { dims: number }[] = await this.db.query(
      `SELECT length(vector) AS dims FROM text_vectors WHERE method = $1 LIMIT 1`,
      [method],
    );
    if (!sample)
      return { status: 'waiting', reason: 'no text vectors yet: the index is built on the first' };
    const dims = Number(sample.dims);
    if (dims > MAX_HNSW_DIMS)
      return {
        status: 'unavailable',
        reason: `the method's vectors have ${dims} dimensions; an HNSW index on halfvec takes at most ${MAX_HNSW_DIMS}`,
      };
    const index = `idx_text_vectors_hnsw_${createHash('sha256').update(method).digest('hex').slice(0, 12)}_${dims}`;

    // One replica builds; a session lock, as CREATE INDEX CONCURRENTLY runs outside transactions,
    // and no statement timeout: over a large history the build takes minutes.
    const built = await withSessionLock(
      this.db,
      'sieve_pgvector_index',
      { wait: false },
      async (session) => {
        this.current = { status: 'building', index };
        await session.query(
          `CREATE OR REPLACE FUNCTION sieve_int8_halfvec(bytea) RETURNS ${this.schema}.halfvec
           LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
             SELECT ARRAY(SELECT (get_byte($1, i) + 128) % 256 - 128 FROM generate_series(0, length($1) - 1) AS i)::${this.schema}.halfvec
           $$`,
        );
        // The search reads a text's flags by its hash.
        await this.createIndex(
          session,
          'idx_flag_vectors_text',
          `ON flag_vectors (method, text_hash)`,
        );
        const started = Date.now();
        await this.createIndex(
          session,
          index,
          `ON text_vectors USING hnsw ((sieve_int8_halfvec(vector)::${this.schema}.halfvec(${dims})) ${this.schema}.halfvec_cosine_ops)
           WHERE method = ${quoteLiteral(method)}`,
        );
        this.logger.log(`pgvector index ${index} ready (${Date.now() - started} ms)`);
        return true;
      },
    );
    if (!built) return { status: 'building', index };
    return { status: 'ready', index, dims };
  }

  private async extensionSchema(): Promise<string | null> {
    const [row]: { schema: string }[] = await this.db.query(
      `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
       WHERE e.extname = 'vector'`,
    );
    return row?.schema ?? null;
  }

  /** Builds the index without blocking writes; one a failed build left invalid is built again. */
  private async createIndex(runner: QueryRunner, name: string, definition: string): Promise<void> {
    const [existing] = (await runner.query(
      `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE c.relname = ${quoteLiteral(name)} AND c.relnamespace = current_schema()::regnamespace`,
    )) as { valid: boolean }[];
    if (existing?.valid) return;
    if (existing) await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS ${quoteIdent(name)}`);
    this.logger.log(`building index ${name} (concurrently: ingest goes on)`);
    await runner.query(`CREATE INDEX CONCURRENTLY ${quoteIdent(name)} ${definition}`);
  }

  /** The `k` flags most similar to the vector (cosine ≥ `min`), most similar first. */
  async search(
    query: Int8Array,
    k: number,
    min: number,
    options: { exclude?: string } = {},
  ): Promise<VectorMatch[]> {
    const state = this.current;
    if (state.status !== 'ready') throw new Error('the pgvector index is not ready');
    if (query.length !== state.dims) return [];
    const halfvec = `${this.schema}.halfvec(${state.dims})`;
    const method = quoteLiteral(this.vectors.method);
    // The k nearest texts, then up to k flags of each (many flags can share a text).
    const rows: { flag_id: string; vector: Buffer }[] = await this.db.transaction(async (tx) => {
      await tx.query(
        `SET LOCAL hnsw.ef_search = ${Math.min(MAX_EF_SEARCH, Math.max(40, EF_SEARCH_PER_RESULT * k))}`,
      );
      return tx.query(
        `SELECT f.flag_id, n.vector
         FROM (SELECT t.text_hash, t.vector FROM text_vectors t
               WHERE t.method = ${method}
               ORDER BY sieve_int8_halfvec(t.vector)::${halfvec} OPERATOR(${this.schema}.<=>) $1::${halfvec}
               LIMIT $2) n
         CROSS JOIN LATERAL (
           SELECT v.flag_id FROM flag_vectors v
           WHERE v.method = ${method} AND v.text_hash = n.text_hash
             AND v.flag_id IS DISTINCT FROM $3::uuid
           ORDER BY v.seq DESC LIMIT $2) f`,
        [`[${query.join(',')}]`, k, options.exclude ?? null],
      );
    });
    // Similarities as the exact search computes them, on the stored int8 values.
    return rows
      .map((row) => ({ flagId: row.flag_id, similarity: similarity(query, toVector(row.vector)) }))
      .filter((m) => m.similarity >= min)
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, k);
  }
}
