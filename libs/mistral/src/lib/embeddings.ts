import type { Usage } from './chat-types';
import { MistralResponseError } from './errors';
import { estimateTokens, type RequestOptions, type Transport } from './transport';

export interface EmbeddingRequest {
  model: string;
  input: string | string[];
  output_dimension?: number;
  output_dtype?: 'float' | 'int8' | 'uint8' | 'binary' | 'ubinary';
  encoding_format?: 'float' | 'base64';
}

export interface EmbeddingResponse {
  id: string;
  object: 'list';
  model: string;
  usage: Usage;
  /** `embedding` is a string when the request asked for `encoding_format: "base64"`. */
  data: { object: 'embedding'; embedding: number[] | string; index: number }[];
}

/**
 * Mistral refuses an embeddings request of more tokens than this in all, with a 400 ("Too many
 * tokens overall, split into more batches.", code 3210; earlier "Too many tokens in batch. Max is
 * 16384"), however few inputs it has.
 */
export const EMBEDDING_REQUEST_MAX_TOKENS = 16_384;

export class EmbeddingsApi {
  constructor(
    private readonly transport: Transport,
    /** Inputs per request when embedding many texts. */
    private readonly batchSize = 128,
    /** Estimated tokens per request when embedding many texts (estimateTokens: an upper bound). */
    private readonly maxRequestTokens = EMBEDDING_REQUEST_MAX_TOKENS,
  ) {}

  create(request: EmbeddingRequest, options?: RequestOptions): Promise<EmbeddingResponse> {
    return this.transport.json<EmbeddingResponse>('POST', '/v1/embeddings', request, options);
  }

  /**
   * Consecutive groups of at most `batchSize` texts and `maxRequestTokens` estimated tokens; a
   * text estimated over the limit on its own goes alone (the server judges it).
   */
  batches(texts: string[]): string[][] {
    const batches: string[][] = [];
    let current: string[] = [];
    let tokens = 0;
    for (const text of texts) {
      const t = estimateTokens(text);
      if (
        current.length > 0 &&
        (current.length >= this.batchSize || tokens + t > this.maxRequestTokens)
      ) {
        batches.push(current);
        current = [];
        tokens = 0;
      }
      current.push(text);
      tokens += t;
    }
    if (current.length > 0) batches.push(current);
    return batches;
  }

  /** Embeds any number of texts in batches; vectors come back in input order. */
  async embedMany(model: string, texts: string[], options?: RequestOptions): Promise<number[][]> {
    const vectors = await this.batched(model, texts, 'float', options);
    return vectors.map((v) => (typeof v === 'string' ? Array.from(decodeEmbedding(v)) : v));
  }

  /**
   * embedMany as float32 arrays, sent as base64: a vector costs 4 bytes a dimension in memory and
   * no JSON number parsing (1,024 numbers per vector with mistral-embed), which is most of what
   * embedding costs the client at volume. A server that answers with plain numbers is accepted too.
   */
  async embedManyFloat32(
    model: string,
    texts: string[],
    options?: RequestOptions,
  ): Promise<Float32Array[]> {
    const vectors = await this.batched(model, texts, 'base64', options);
    return vectors.map((v) => (typeof v === 'string' ? decodeEmbedding(v) : Float32Array.from(v)));
  }

  private async batched(
    model: string,
    texts: string[],
    encoding_format: 'float' | 'base64',
    options?: RequestOptions,
  ): Promise<(number[] | string)[]> {
    const batches = this.batches(texts);
    const responses = await Promise.all(
      batches.map((input) =>
        this.create(
          encoding_format === 'float' ? { model, input } : { model, input, encoding_format },
          options,
        ),
      ),
    );
    return responses.flatMap((r, b) => {
      if (r.data?.length !== batches[b].length)
        throw new MistralResponseError(
          `expected ${batches[b].length} embeddings, got ${r.data?.length ?? 'none'}`,
          JSON.stringify(r).slice(0, 2000),
        );
      return [...r.data].sort((x, y) => x.index - y.index).map((d) => d.embedding);
    });
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A base64 embedding (little-endian float32 values, as the API sends them) as a Float32Array. */
export function decodeEmbedding(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0 || bytes.length % 4 !== 0)
    throw new MistralResponseError(
      `a base64 embedding of ${bytes.length} bytes is not a whole number of float32 values`,
      base64.slice(0, 200),
    );
  // A view when the bytes have a buffer of their own; a small vector's bytes are a slice of
  // Node's shared pool, which a view would keep alive for as long as the vector.
  if (LITTLE_ENDIAN && bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length)
    return new Float32Array(bytes.buffer, 0, bytes.length / 4);
  const vector = new Float32Array(bytes.length / 4);
  for (let i = 0; i < vector.length; i++) vector[i] = bytes.readFloatLE(i * 4);
  return vector;
}

/** A vector as the API's base64 encoding (little-endian float32). */
export function encodeEmbedding(vector: ArrayLike<number>): string {
  const floats = vector instanceof Float32Array && LITTLE_ENDIAN ? vector : null;
  if (floats)
    return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
  const bytes = Buffer.alloc(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i], i * 4);
  return bytes.toString('base64');
}

export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length)
    throw new Error(`vectors differ in length: ${a.length} vs ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export interface ScoredMatch<T> {
  item: T;
  index: number;
  score: number;
}

/** The k items whose vectors are most similar to the query, best first. */
export function topK<T>(
  query: ArrayLike<number>,
  items: readonly { vector: ArrayLike<number>; item: T }[],
  k: number,
): ScoredMatch<T>[] {
  return items
    .map(({ vector, item }, index) => ({ item, index, score: cosineSimilarity(query, vector) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}
