import type { Usage } from './chat-types';
import type { RequestOptions, Transport } from './transport';

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
  data: { object: 'embedding'; embedding: number[]; index: number }[];
}

export class EmbeddingsApi {
  constructor(
    private readonly transport: Transport,
    /** Inputs per request when embedding many texts. */
    private readonly batchSize = 128,
  ) {}

  create(request: EmbeddingRequest, options?: RequestOptions): Promise<EmbeddingResponse> {
    return this.transport.json<EmbeddingResponse>('POST', '/v1/embeddings', request, options);
  }

  /** Embeds any number of texts in batches; vectors come back in input order. */
  async embedMany(model: string, texts: string[], options?: RequestOptions): Promise<number[][]> {
    const batches: string[][] = [];
    for (let i = 0; i < texts.length; i += this.batchSize)
      batches.push(texts.slice(i, i + this.batchSize));
    const responses = await Promise.all(
      batches.map((input) => this.create({ model, input }, options)),
    );
    return responses.flatMap((r) =>
      [...r.data].sort((a, b) => a.index - b.index).map((d) => d.embedding),
    );
  }
}

export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
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
  query: readonly number[],
  items: readonly { vector: readonly number[]; item: T }[],
  k: number,
): ScoredMatch<T>[] {
  return items
    .map(({ vector, item }, index) => ({ item, index, score: cosineSimilarity(query, vector) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}
