#!/usr/bin/env node
// Search by meaning through pgvector, at a size the api's integration spec cannot reach: BENCH_VECTORS
// (default 100,000) int8 vectors of BENCH_DIMS (1,024, mistral-embed's) in text_vectors' layout,
// one flag each, near-duplicate families like waves (a centre per 20 vectors, each member the centre plus noise).
// It builds the index PgvectorSearch builds, runs the statement it runs with what both callers ask
// (the 200 nearest, kept from cosine 0.3) and reports time, and recall against an exact scan.
// `npm run bench:pgvector`. Needs a PostgreSQL server with pgvector: PGVECTOR_URL (a database it may create tables in; it
// drops them after). Not part of `npm run bench`: the embedded server has no pgvector.
import { randomUUID } from 'node:crypto';
import pg from 'pg';

const url = process.env.PGVECTOR_URL;
if (!url) {
  console.error('set PGVECTOR_URL to a PostgreSQL database whose server has pgvector');
  process.exit(2);
}
const count = Number(process.env.BENCH_VECTORS ?? 100_000);
const dims = Number(process.env.BENCH_DIMS ?? 1024);
const log = (message) => console.log(`[pgvector] ${message}`);
const db = new pg.Client({ connectionString: url });
await db.connect();

// Deterministic vectors: a family is a centre; a member is the centre plus 35% noise.
let seed = 42;
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const gaussian = () =>
  Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
const centres = Array.from({ length: Math.max(1, Math.round(count / 20)) }, () =>
  Float32Array.from({ length: dims }, gaussian),
);
const quantize = (v) => {
  let max = 0;
  for (const x of v) max = Math.max(max, Math.abs(x));
  return Int8Array.from(v, (x) => Math.round((x / max) * 127));
};
const member = () => {
  const centre = centres[Math.floor(random() * centres.length)];
  return quantize(centre.map((x) => x + 0.35 * gaussian()));
};

const timed = async (what, fn) => {
  const started = performance.now();
  const result = await fn();
  const ms = performance.now() - started;
  log(`${what}: ${ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`}`);
  return { result, ms };
};

try {
  await db.query(`CREATE EXTENSION IF NOT EXISTS vector`);
  await db.query(`DROP TABLE IF EXISTS bench_text_vectors, bench_flag_vectors`);
  await db.query(
    `CREATE TABLE bench_text_vectors (method text NOT NULL, text_hash bytea NOT NULL, vector bytea NOT NULL,
       PRIMARY KEY (method, text_hash))`,
  );
  await db.query(
    `CREATE TABLE bench_flag_vectors (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       flag_id uuid NOT NULL UNIQUE, method text NOT NULL, text_hash bytea NOT NULL)`,
  );
  const stored = [];
  // As the grouping stores them: a batch's new texts and their flags, in two statements.
  const store = async (batch) => {
    const hashes = batch.map(() => Buffer.from(randomUUID().replace(/-/g, ''), 'hex'));
    await db.query(
      `INSERT INTO bench_text_vectors (method, text_hash, vector)
       SELECT 'bench', h, substring($2::bytea FROM ((i - 1) * $3::int + 1)::int FOR $3::int)
       FROM unnest($1::bytea[]) WITH ORDINALITY AS u(h, i)`,
      [hashes, Buffer.concat(batch.map((v) => Buffer.from(v.buffer))), dims],
    );
    await db.query(
      `INSERT INTO bench_flag_vectors (flag_id, method, text_hash)
       SELECT gen_random_uuid(), 'bench', h FROM unnest($1::bytea[]) AS u(h)`,
      [hashes],
    );
  };
  await timed(`stored ${count.toLocaleString('en')} vectors of ${dims} dimensions`, async () => {
    for (let at = 0; at < count; at += 5000) {
      const batch = Array.from({ length: Math.min(5000, count - at) }, member);
      stored.push(...batch);
      await store(batch);
    }
  });
  // What PgvectorSearch creates (apps/api/src/waves/pgvector-search.ts).
  await db.query(
    `CREATE OR REPLACE FUNCTION sieve_int8_halfvec(bytea) RETURNS public.halfvec
     LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
       SELECT ARRAY(SELECT (get_byte($1, i) + 128) % 256 - 128 FROM generate_series(0, length($1) - 1) AS i)::public.halfvec
     $$`,
  );
  await db.query(`CREATE INDEX ON bench_flag_vectors (method, text_hash)`);
  await db.query(`SET maintenance_work_mem = '${process.env.BENCH_MAINTENANCE_WORK_MEM ?? '4GB'}'`);
  const build = await timed('built the HNSW index', () =>
    db.query(
      `CREATE INDEX bench_hnsw ON bench_text_vectors
       USING hnsw ((sieve_int8_halfvec(vector)::halfvec(${dims})) halfvec_cosine_ops) WHERE method = 'bench'`,
    ),
  );
  await db.query(`ANALYZE bench_text_vectors`);
  const { rows: sizes } = await db.query(
    `SELECT pg_relation_size('bench_hnsw') AS index, pg_total_relation_size('bench_text_vectors') AS tbl`,
  );

  const statement = (k) => `
    SELECT f.flag_id, n.vector
    FROM (SELECT t.text_hash, t.vector FROM bench_text_vectors t WHERE t.method = 'bench'
          ORDER BY sieve_int8_halfvec(t.vector)::halfvec(${dims}) <=> $1::halfvec(${dims}) LIMIT ${k}) n
    CROSS JOIN LATERAL (SELECT v.flag_id FROM bench_flag_vectors v
                        WHERE v.method = 'bench' AND v.text_hash = n.text_hash
                        ORDER BY v.seq DESC LIMIT ${k}) f`;
  const cosine = (a, b) => {
    let dot = 0,
      na = 0,
      nb = 0;
    for (let i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  };
  // As "find posts like this" and similar decided posts ask: the 200 nearest, from cosine 0.3,
  // with hnsw.ef_search at 2k (what PgvectorSearch sets) or at each of BENCH_EF_SEARCH's values.
  const k = 200;
  const min = 0.3;
  const queries = Array.from({ length: 20 }, member);
  // Of the k truly nearest stored vectors at cosine >= min (an exact scan here), for each query.
  const truths = queries.map((query) =>
    stored
      .map((v) => cosine(query, v))
      .filter((s) => s >= min)
      .sort((a, b) => b - a)
      .slice(0, k),
  );
  const search = async (query, ef) => {
    await db.query('BEGIN');
    await db.query(`SET LOCAL hnsw.ef_search = ${ef}`);
    const started = performance.now();
    const { rows } = await db.query(statement(k), [`[${query.join(',')}]`]);
    const ms = performance.now() - started;
    await db.query('COMMIT');
    return { rows, ms };
  };
  await search(member(), k); // a first query reads the index from disk
  const efs = (process.env.BENCH_EF_SEARCH ?? String(2 * k)).split(',').map(Number);
  const byEf = {};
  for (const ef of efs) {
    const times = [];
    let wanted = 0;
    let got = 0;
    for (const [q, query] of queries.entries()) {
      const { rows, ms } = await search(query, ef);
      times.push(ms);
      const found = rows
        .map((r) => cosine(query, new Int8Array(r.vector.buffer, r.vector.byteOffset, dims)))
        .filter((s) => s >= min);
      wanted += truths[q].length;
      got += Math.min(found.length, truths[q].length);
    }
    times.sort((a, b) => a - b);
    const recall = wanted ? got / wanted : 1;
    byEf[ef] = { median: times[10], slowest: times[19], recall };
    log(
      `the ${k} nearest from cosine ${min}, ef_search ${ef}: median ${times[10].toFixed(1)} ms, slowest of 20 ${times[19].toFixed(1)} ms, recall ${recall.toFixed(3)} (${got} of ${wanted})`,
    );
  }
  // New vectors once the index exists: each one is read as a halfvec and inserted into the graph.
  const added = 5000;
  const insert = await timed(
    `stored ${added.toLocaleString('en')} more, in batches of 250, into the index`,
    async () => {
      for (let at = 0; at < added; at += 250) await store(Array.from({ length: 250 }, member));
    },
  );
  await db.query('BEGIN');
  await db.query(`SET LOCAL hnsw.ef_search = ${2 * k}`);
  const { rows: plan } = await db.query(`EXPLAIN ${statement(200)}`, [`[${member().join(',')}]`]);
  await db.query('COMMIT');
  log(
    `plan: ${plan
      .map((r) => r['QUERY PLAN'].trim().replace(/'\[[^\]]*\]'/g, "'[…]'"))
      .slice(0, 4)
      .join(' / ')}`,
  );
  console.log(
    JSON.stringify({
      pgvector_vectors: count,
      pgvector_dims: dims,
      pgvector_build_s: Math.round(build.ms / 100) / 10,
      pgvector_index_mb: Math.round(Number(sizes[0].index) / 1e6),
      pgvector_table_mb: Math.round(Number(sizes[0].tbl) / 1e6),
      pgvector_median_ms: Math.round(byEf[efs[0]].median),
      pgvector_slowest_ms: Math.round(byEf[efs[0]].slowest),
      pgvector_recall: Math.round(byEf[efs[0]].recall * 1000) / 1000,
      pgvector_by_ef_search: Object.fromEntries(
        Object.entries(byEf).map(([ef, r]) => [
          ef,
          {
            median_ms: Math.round(r.median),
            slowest_ms: Math.round(r.slowest),
            recall: Math.round(r.recall * 1000) / 1000,
          },
        ]),
      ),
      pgvector_insert_us_per_vector: Math.round((insert.ms * 1000) / added),
    }),
  );
} finally {
  await db
    .query(`DROP TABLE IF EXISTS bench_text_vectors, bench_flag_vectors`)
    .catch(() => undefined);
  await db.end();
}
