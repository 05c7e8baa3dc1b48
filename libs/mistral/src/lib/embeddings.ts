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

/**
 * Agglomerative clustering (average linkage on cosine distance): merges the closest clusters
 * until no two are closer than `maxDistance`. Returns clusters as lists of input indexes.
 * O(n³); meant for the hundreds of items a reviewer looks at, not millions.
 */
export function clusterByDistance(
  vectors: readonly (readonly number[])[],
  maxDistance: number,
): number[][] {
  const clusters = vectors.map((_, i) => [i]);
  const distance = (a: number[], b: number[]) => {
    let sum = 0;
    for (const i of a) for (const j of b) sum += 1 - cosineSimilarity(vectors[i], vectors[j]);
    return sum / (a.length * b.length);
  };
  for (;;) {
    let best: { i: number; j: number; d: number } | null = null;
    for (let i = 0; i < clusters.length; i++) {
      for (let j = i + 1; j < clusters.length; j++) {
        const d = distance(clusters[i], clusters[j]);
        if (d <= maxDistance && (!best || d < best.d)) best = { i, j, d };
      }
    }
    if (!best) return clusters;
    clusters[best.i] = [...clusters[best.i], ...clusters[best.j]];
    clusters.splice(best.j, 1);
  }
}

/** k-means with deterministic k-means++-style seeding (farthest point); returns a cluster index per vector. */
export function kMeans(
  vectors: readonly (readonly number[])[],
  k: number,
  iterations = 50,
): number[] {
  if (vectors.length === 0) return [];
  const dims = vectors[0].length;
  const centroids: number[][] = [[...vectors[0]]];
  while (centroids.length < Math.min(k, vectors.length)) {
    let farthest = 0;
    let farthestDistance = -1;
    vectors.forEach((v, i) => {
      const d = Math.min(...centroids.map((c) => 1 - cosineSimilarity(v, c)));
      if (d > farthestDistance) {
        farthestDistance = d;
        farthest = i;
      }
    });
    centroids.push([...vectors[farthest]]);
  }
  let assignment = vectors.map(() => 0);
  for (let iter = 0; iter < iterations; iter++) {
    const next = vectors.map((v) => {
      let best = 0;
      let bestScore = -Infinity;
      centroids.forEach((c, ci) => {
        const s = cosineSimilarity(v, c);
        if (s > bestScore) {
          bestScore = s;
          best = ci;
        }
      });
      return best;
    });
    const changed = next.some((c, i) => c !== assignment[i]);
    assignment = next;
    centroids.forEach((_, ci) => {
      const members = vectors.filter((_, i) => assignment[i] === ci);
      if (members.length === 0) return;
      centroids[ci] = Array.from(
        { length: dims },
        (_, d) => members.reduce((s, m) => s + m[d], 0) / members.length,
      );
    });
    if (!changed && iter > 0) break;
  }
  return assignment;
}
