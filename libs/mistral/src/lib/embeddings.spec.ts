import { FakeMistralServer } from '../testing';
import { MistralClient } from './client';
import { cosineSimilarity, topK } from './embeddings';

describe('embeddings', () => {
  const server = new FakeMistralServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it('embeds many texts in batches, in input order, and supports semantic search and clustering', async () => {
    const client = new MistralClient({ apiKey: server.apiKey, baseUrl: server.url });
    const texts = [
      'the cat sat on the mat',
      'a cat sat on a mat',
      'stock markets fell sharply today',
      'markets fell sharply on stock news',
      'the cat and the mat',
    ];
    const vectors = await client.embeddings.embedMany('mistral-embed', texts);
    expect(vectors).toHaveLength(5);
    expect(vectors[0]).toHaveLength(1024);

    const [query] = await client.embeddings.embedMany('mistral-embed', ['cat on a mat']);
    const best = topK(
      query,
      vectors.map((vector, i) => ({ vector, item: texts[i] })),
      2,
    );
    expect(best.map((m) => m.item).every((t) => t.includes('cat'))).toBe(true);
    expect(best[0].score).toBeGreaterThanOrEqual(best[1].score);
  });

  it('computes cosine similarity and refuses vectors of different lengths', () => {
    expect(cosineSimilarity([1, 0], [1, 0])).toBe(1);
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
    expect(() => cosineSimilarity([1], [1, 2])).toThrow(/differ in length/);
  });
});
