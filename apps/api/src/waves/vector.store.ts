import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { VectorMethodDto } from '@sieve/contracts';
import { isRequestRejection } from '@sieve/mistral';
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
  private readonly logger = new Logger('Waves');

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

  /**
   * Each text's vector, in order: stored ones read back, new ones embedded and stored; null for
   * a text the embedding API refuses on its own (nothing is stored for it).
   */
  async vectorsFor(manager: EntityManager, texts: string[]): Promise<(TextWithVector | null)[]> {
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
    const asked = [...distinct.entries()].filter(([key]) => !known.has(key));
    const answers = asked.length ? await this.embedIsolating(asked.map(([, d]) => d.text)) : [];
    const missing = asked.filter((_, i) => answers[i] !== null);
    const vectors = answers.filter((v): v is Int8Array => v !== null);
    missing.forEach(([key], i) => known.set(key, vectors[i]));
    if (missing.length) {
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
    return hashes.map((hash) => {
      const vector = known.get(hash.toString('hex'));
      return vector ? { hash, vector } : null;
    });
  }

  /**
   * The texts' vectors, null for each text the API refuses alone: a refused request is split in
   * halves until the refused texts are isolated, so one of them does not fail (and, retried
   * as it was, stall) the grouping of every flag embedded with it.
   */
  private async embedIsolating(texts: string[]): Promise<(Int8Array | null)[]> {
    try {
      return await this.vectorizer.embed(texts);
    } catch (error) {
      if (!isRequestRejection(error)) throw error;
      if (texts.length === 1) {
        this.logger.warn(`the embedding API refused a text (${error.message}); not grouped`);
        return [null];
      }
      const middle = Math.ceil(texts.length / 2);
      return [
        ...(await this.embedIsolating(texts.slice(0, middle))),
        ...(await this.embedIsolating(texts.slice(middle))),
      ];
    }
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
