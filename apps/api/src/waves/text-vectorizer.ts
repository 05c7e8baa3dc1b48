import type { VectorMethodDto } from '@sieve/contracts';
import type { MistralClient } from '@sieve/mistral';
import { OFFLINE_VECTOR_METHOD, offlineTextVector, quantize } from '@sieve/moderation';

/** Text vectors for waves and similarity search: one per text, in order, as int8. */
export interface TextVectorizer {
  readonly info: VectorMethodDto;
  embed(texts: string[]): Promise<Int8Array[]>;
}

export const TEXT_VECTORIZER = Symbol('TEXT_VECTORIZER');

/** The most of a text that is embedded: waves are about short posts, and tokens cost. */
const EMBED_CHARS = 4000;

/** Mistral's embedding model through libs/mistral (batched, retried, counted in usage and cost). */
export class MistralVectorizer implements TextVectorizer {
  readonly info: VectorMethodDto;

  constructor(
    private readonly client: MistralClient,
    model: string,
  ) {
    this.info = { method: model, offline: false, label: `Mistral ${model}` };
  }

  async embed(texts: string[]): Promise<Int8Array[]> {
    if (texts.length === 0) return [];
    const vectors = await this.client.embeddings.embedManyFloat32(
      this.info.method,
      texts.map((t) => t.slice(0, EMBED_CHARS)),
    );
    return vectors.map((v) => quantize(v));
  }
}

/** Without a Mistral key: hashed character n-grams and words. Near-duplicates, not meaning. */
export class OfflineVectorizer implements TextVectorizer {
  readonly info: VectorMethodDto = {
    method: OFFLINE_VECTOR_METHOD,
    offline: true,
    label: 'Offline text vectors (hashed character n-grams; no language model, no meaning)',
  };

  async embed(texts: string[]): Promise<Int8Array[]> {
    return texts.map((t) => quantize(offlineTextVector(t.slice(0, EMBED_CHARS))));
  }
}
