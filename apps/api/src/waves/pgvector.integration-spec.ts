import type { SimilarPostsDto } from '@sieve/contracts';
import { sampleWaves } from '@sieve/moderation';
import { contentEvent, eventually, startTestStack } from '../../test/test-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

/**
 * Search by meaning through pgvector's HNSW index, against the exact search on the same data.
 * It needs a PostgreSQL 18 server with the vector extension, given as SIEVE_TEST_PGVECTOR_URL
 * (docs/waves.md says how one was built here). The embedded server has no pgvector and CI sets
 * no such server, so there this spec is skipped (said in the run's output); the refusal to start
 * without the extension is covered in vector-search.spec.ts.
 */
const pgvectorUrl = process.env['SIEVE_TEST_PGVECTOR_URL'];
const onPgvector = pgvectorUrl ? describe : describe.skip;
if (!pgvectorUrl)
  console.info('pgvector.integration-spec skipped: set SIEVE_TEST_PGVECTOR_URL to run it');

onPgvector('search by meaning with pgvector', () => {
  let stack: Stack;
  const posts = sampleWaves({
    waves: 2,
    perWave: 12,
    authorsPerWave: 6,
    unrelated: 0,
    firstCampaign: 0,
    seed: 11,
  });
  const event = (id: string, text: string, authorId: string) =>
    contentEvent({ id, text, authorId });

  beforeAll(async () => {
    stack = await startTestStack({ VECTOR_SEARCH: 'pgvector' }, { postgresUrl: pgvectorUrl });
  });
  afterAll(() => stack?.stop());

  it('builds the index once vectors exist, answers like the exact search, and forgets erased posts', async () => {
    const reviewer = await stack.signIn('reviewer');
    const health = async () =>
      (await reviewer.agent.get('/api/health/ready').expect(200)).body.details.waves;
    expect((await health()).search).toBe('exact');

    await stack.produce(posts.map((p, i) => event(`post-${i}`, p.text, p.authorId)));
    const ready = await eventually(
      'the pgvector index in use',
      async () => {
        const waves = await health();
        return waves.search === 'pgvector' ? waves : undefined;
      },
      30_000,
    );
    expect(ready.pgvector).toMatch(
      /^used: HNSW index idx_text_vectors_hnsw_\w+ \(cosine, 256 dimensions\)$/,
    );
    expect(ready.vectorsInMemory).toBe(0);
    await eventually('every post grouped', async () => {
      const { rows } = await stack.db.query(`SELECT count(*)::int AS n FROM flag_vectors`);
      return rows[0].n === posts.length;
    });

    // The same questions to an api on the same database that searches exactly.
    const exactApp = await stack.startAnotherApp({
      VECTOR_SEARCH: 'exact',
      INGEST_ENABLED: 'false',
    });
    const { default: request } = await import('supertest');
    const exactAgent = request.agent(exactApp.getHttpServer());
    await exactAgent
      .post('/api/auth/login')
      .send({ email: reviewer.email, password: reviewer.password })
      .expect(200);
    const scans = async () => {
      const { rows } = await stack.db.query(
        `SELECT coalesce(sum(idx_scan), 0)::int AS n FROM pg_stat_user_indexes
         WHERE indexrelname LIKE 'idx_text_vectors_hnsw_%'`,
      );
      return rows[0].n as number;
    };
    // Vectors of no flag, so that the planner prefers the index to reading 24 rows in full.
    await stack.db.query(
      `INSERT INTO text_vectors (method, text_hash, vector)
       SELECT 'offline-char-ngrams-v1', sha256(('filler-' || g)::bytea),
              (SELECT string_agg(set_byte('\\x00'::bytea, 0, (random() * 255)::int), ''::bytea)
               FROM generate_series(1, 256) WHERE g > 0)
       FROM generate_series(1, 5000) AS g`,
    );
    await stack.db.query(`ANALYZE text_vectors`);
    const scansBefore = await scans();
    for (const text of [posts[0].text, posts[posts.length - 1].text, 'nothing like any of them']) {
      const [viaIndex, exact] = await Promise.all(
        [reviewer.agent, exactAgent].map(
          async (agent) =>
            (await agent.get('/api/waves/similar').query({ text }).expect(200))
              .body as SimilarPostsDto,
        ),
      );
      expect(viaIndex.search).toBe('pgvector');
      expect(exact.search).toBe('exact');
      const summary = (r: SimilarPostsDto) =>
        r.items.map((i) => ({
          text: i.flag.event.text,
          similarity: i.similarity,
          sameText: i.sameText,
        }));
      expect(summary(viaIndex)).toStrictEqual(summary(exact));
    }
    await eventually('the index used', async () => (await scans()) > scansBefore);
    const first = (
      await reviewer.agent.get('/api/waves/similar').query({ text: posts[0].text }).expect(200)
    ).body as SimilarPostsDto;
    expect(first.items.length).toBeGreaterThan(5);

    // Erased on request: the author's posts leave the index's answers at once.
    const erasedAuthor = posts[0].authorId;
    await stack.eraseAuthor('forum', erasedAuthor);
    const after = (
      await reviewer.agent.get('/api/waves/similar').query({ text: posts[0].text }).expect(200)
    ).body as SimilarPostsDto;
    expect(after.items.length).toBeGreaterThan(0);
    expect(after.items.map((i) => i.flag.event.authorId)).not.toContain(erasedAuthor);
  });
});
