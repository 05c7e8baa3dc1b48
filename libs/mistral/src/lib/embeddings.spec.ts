import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeMistralServer } from '../testing';
import { MistralClient } from './client';
import {
  cosineSimilarity,
  decodeEmbedding,
  EMBEDDING_REQUEST_MAX_TOKENS,
  encodeEmbedding,
  topK,
} from './embeddings';
import { MistralResponseError } from './errors';
import { estimateTokens } from './transport';

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

  it('packs long texts under the per-request token limit Mistral enforces, in input order', async () => {
    const client = new MistralClient({ apiKey: server.apiKey, baseUrl: server.url });
    // 100 posts of ~1,500 characters: one request of them all would be ~50,000 tokens.
    const texts = Array.from({ length: 100 }, (_, i) => `post ${i} `.padEnd(1_500, 'spam '));
    const before = server.requests.length;
    const vectors = await client.embeddings.embedManyFloat32('mistral-embed', texts);
    const sent = server.requests.slice(before).map((r) => (r.body as { input: string[] }).input);
    expect(sent.length).toBeGreaterThan(1);
    for (const input of sent)
      expect(input.reduce((n, t) => n + estimateTokens(t), 0)).toBeLessThanOrEqual(
        EMBEDDING_REQUEST_MAX_TOKENS,
      );
    expect(sent.flat()).toStrictEqual(texts);
    expect(vectors).toHaveLength(100);
    const [alone] = await client.embeddings.embedManyFloat32('mistral-embed', [texts[42]]);
    expect(Array.from(vectors[42])).toStrictEqual(Array.from(alone));
  });

  it('is refused by the fake as Mistral refuses it: too many tokens in one request', async () => {
    const client = new MistralClient({ apiKey: server.apiKey, baseUrl: server.url });
    const texts = Array.from({ length: 40 }, () => 'x'.repeat(2_000)); // ~20,000 tokens
    await expect(
      client.embeddings.create({ model: 'mistral-embed', input: texts }),
    ).rejects.toMatchObject({
      status: 400,
      code: '3210',
      message: 'Too many tokens overall, split into more batches.',
    });
  });

  it("is refused by the fake as Mistral refuses it: one input over the model's context", async () => {
    const client = new MistralClient({ apiKey: server.apiKey, baseUrl: server.url });
    const input = ['x'.repeat(40_000)]; // ~10,000 tokens
    await expect(client.embeddings.create({ model: 'mistral-embed', input })).rejects.toMatchObject(
      {
        status: 400,
        message: expect.stringContaining("the model's maximum is 8192"),
      },
    );
  });

  it('computes cosine similarity and refuses vectors of different lengths', () => {
    expect(cosineSimilarity([1, 0], [1, 0])).toBe(1);
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
    expect(() => cosineSimilarity([1], [1, 2])).toThrow(/differ in length/);
  });

  it('asks for base64 when embedding as float32 and gets the same vectors as the JSON numbers', async () => {
    const client = new MistralClient({ apiKey: server.apiKey, baseUrl: server.url });
    const texts = ['the cat sat on the mat', 'stock markets fell sharply today'];
    const before = server.requests.length;
    const packed = await client.embeddings.embedManyFloat32('mistral-embed', texts);
    expect(
      server.requests
        .slice(before)
        .map((r) => (r.body as Record<string, unknown>)['encoding_format']),
    ).toStrictEqual(['base64']);
    const plain = await client.embeddings.embedMany('mistral-embed', texts);
    expect(packed.map((v) => v.length)).toStrictEqual([1024, 1024]);
    packed.forEach((v, i) => v.forEach((x, d) => expect(x).toBeCloseTo(plain[i][d], 6)));
  });

  it('takes plain numbers from a server that ignores encoding_format, and refuses a torn base64 vector', async () => {
    let embedding: unknown = [0.6, 0.8];
    const other = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          id: 'e',
          object: 'list',
          model: 'mistral-embed',
          usage: { prompt_tokens: 1, completion_tokens: 0, total_tokens: 1 },
          data: [{ object: 'embedding', embedding, index: 0 }],
        }),
      );
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    try {
      const client = new MistralClient({
        apiKey: 'k',
        baseUrl: `http://127.0.0.1:${(other.address() as AddressInfo).port}`,
        retry: { maxAttempts: 1 },
      });
      const [vector] = await client.embeddings.embedManyFloat32('mistral-embed', ['x']);
      expect(Array.from(vector)).toStrictEqual([Math.fround(0.6), Math.fround(0.8)]);
      embedding = Buffer.from([1, 2, 3, 4, 5, 6]).toString('base64');
      await expect(
        client.embeddings.embedManyFloat32('mistral-embed', ['y']),
      ).rejects.toBeInstanceOf(MistralResponseError);
    } finally {
      await new Promise((r) => other.close(r));
    }
  });

  it('decodes what it encodes and refuses an empty vector', () => {
    const vector = [0.5, -0.25, 1e-7, 3];
    expect(Array.from(decodeEmbedding(encodeEmbedding(vector)))).toStrictEqual(
      vector.map(Math.fround),
    );
    expect(() => decodeEmbedding('')).toThrow(MistralResponseError);
  });
});
