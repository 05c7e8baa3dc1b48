import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { VectorMethodDto } from '@sieve/contracts';
import { normalizeForWaves } from '@sieve/moderation';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TEXT_VECTORIZER, type TextVectorizer } from './text-vectorizer';

export interface TextWithVector {
  /** sha-256 of the normalized text: equal texts share it. */
  hash: Buffer;
  vector: Int8Array;
}

/** Chosen from the adjusted Rand index on generated waves (docs/waves.md). */
const OFFLINE_WAVE_SIMILARITY = 0.55;
/** Not measured here (no Mistral access): a starting point to calibrate with docs/waves.md's tool. */
const EMBEDDING_WAVE_SIMILARITY = 0.85;

export const waveTextHash = (text: string): Buffer =>
  createHash('sha256').update(normalizeForWaves(text)).digest();

/** A copy (a view would keep pg's whole read buffer alive); bytes 128–255 wrap to −128…−1. */
export const toVector = (bytes: Buffer): Int8Array => new Int8Array(bytes);

/**
 * Text vectors, stored once per method and normalized text (text_vectors), and which flag has
 * which (flag_vectors). A text seen before is never embedded again.
 */
@Injectable()
export class VectorStore {
  constructor(
    @Inject(TEXT_VECTORIZER) private readonly vectorizer: TextVectorizer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The cosine from which two posts count as near-duplicates: WAVE_SIMILARITY, else the method's
   * default (cosines of different methods live on different scales).
   */
  get threshold(): number {
    return (
      this.config.WAVE_SIMILARITY ??
      (this.vectorizer.info.offline ? OFFLINE_WAVE_SIMILARITY : EMBEDDING_WAVE_SIMILARITY)
    );
  }

  get method(): string {
    return this.vectorizer.info.method;
  }

  get info(): VectorMethodDto {
    return this.vectorizer.info;
  }

  /** Each text's vector, in order: stored ones read back, new ones embedded and stored. */
  async vectorsFor(manager: EntityManager, texts: string[]): Promise<TextWithVector[]> {
    const hashes = texts.map(waveTextHash);
    const distinct = new Map<string, { hash: Buffer; text: string }>();
    hashes.forEach((hash, i) => distinct.set(hash.toString('hex'), { hash, text: texts[i] }));
    const known = new Map<string, Int8Array>();
    if (distinct.size) {
      const rows: { text_hash: Buffer; vector: Buffer }[] = await manager.query(
        `SELECT text_hash, vector FROM text_vectors WHERE method = $1 AND text_hash = ANY($2::bytea[])`,
        [this.method, [...distinct.values()].map((d) => d.hash)],
      );
      for (const r of rows) known.set(r.text_hash.toString('hex'), toVector(r.vector));
    }
    const missing = [...distinct.entries()].filter(([key]) => !known.has(key));
    if (missing.length) {
      const vectors = await this.vectorizer.embed(missing.map(([, d]) => d.text));
      missing.forEach(([key], i) => known.set(key, vectors[i]));
      // The vectors as one binary parameter: a bytea[] goes as text, two hex digits a byte.
      const dims = vectors[0].length;
      if (vectors.some((v) => v.length !== dims))
        throw new Error(`${this.method} returned vectors of different lengths`);
      await manager.query(
        `INSERT INTO text_vectors (method, text_hash, vector)
         SELECT $1, h, substring($3::bytea FROM ((i - 1) * $4::int + 1)::int FOR $4::int)
         FROM unnest($2::bytea[]) WITH ORDINALITY AS u(h, i)
         ON CONFLICT DO NOTHING`,
        [
          this.method,
          missing.map(([, d]) => d.hash),
          Buffer.concat(vectors.map((v) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength))),
          dims,
        ],
      );
    }
    return hashes.map((hash) => ({ hash, vector: known.get(hash.toString('hex')) as Int8Array }));
  }

  async attach(manager: EntityManager, flags: { flagId: string; hash: Buffer }[]): Promise<void> {
    if (!flags.length) return;
    await manager.query(
      `INSERT INTO flag_vectors (flag_id, method, text_hash)
       SELECT f, $1, h FROM unnest($2::uuid[], $3::bytea[]) AS u(f, h)
       ON CONFLICT (flag_id) DO NOTHING`,
      [this.method, flags.map((f) => f.flagId), flags.map((f) => f.hash)],
    );
  }

  /** A flag's stored vector (null until the grouping has reached it). */
  async vectorOfFlag(manager: EntityManager, flagId: string): Promise<Int8Array | null> {
    const [row]: { vector: Buffer }[] = await manager.query(
      `SELECT t.vector FROM flag_vectors f
       JOIN text_vectors t ON t.method = f.method AND t.text_hash = f.text_hash
       WHERE f.flag_id = $1 AND f.method = $2`,
      [flagId, this.method],
    );
    return row ? toVector(row.vector) : null;
  }
}
