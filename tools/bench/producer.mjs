// Benchmark producer, run as a child process so producing does not share a thread with what is
// measured. Options come as JSON in argv[2]:
//   { brokers, topic, count, rate, window, dupRatio, runId }
// rate: events/s (0 = as fast as the window allows). window: the most events allowed ahead of
// the consumer's progress, which the parent sends as {progress: n} messages — the mock broker
// keeps only ~5 MB per partition, so an unbounded backlog would lose events.
// Event ids carry the produce time in ms (`<runId>-<n>-<ms>`), for latency measurements.
import { readFileSync } from 'node:fs';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';

const options = JSON.parse(process.argv[2]);
const { brokers, topic, count, rate = 0, window = Infinity, dupRatio = 0, runId } = options;
const posts = JSON.parse(
  readFileSync(new URL('../demo/sample-posts.json', import.meta.url), 'utf8'),
).map((p) => p.text);
const sources = ['forum', 'comments', 'chat'];

let progress = 0;
process.on('message', (message) => {
  if (typeof message?.progress === 'number') progress = message.progress;
});

// A deterministic generator, so two runs of the same options produce the same texts.
let seed = 0x9e3779b9 ^ [...runId].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 0);
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const recent = [];
// Exactly dupRatio of the events (to a hundredth) repeat a recent text, like reposts.
function textFor(n) {
  if (recent.length > 0 && n % 100 < dupRatio * 100)
    return recent[Math.floor(random() * recent.length)];
  const text = `${posts[n % posts.length]} (${runId} #${n})`;
  recent.push(text);
  if (recent.length > 2000) recent.shift();
  return text;
}

// At a fixed rate, event n is due at started + n/rate s; its id carries that time, so latency
// includes any wait in this producer.
function message(n) {
  const due = rate > 0 ? Math.round(started + (n / rate) * 1000) : Date.now();
  const id = `${runId}-${n}-${due}`;
  return {
    key: id,
    value: JSON.stringify({
      id,
      source: sources[n % sources.length],
      authorId: `user-${n % 5000}`,
      text: textFor(n),
      lang: 'en',
      createdAt: new Date().toISOString(),
    }),
  };
}

const kafka = new Kafka({ clientId: 'sieve-bench-producer', brokers, logLevel: logLevel.ERROR });
// Round robin over the partitions: the stream needs them evenly loaded, not keyed, and
// kafkajs's key hash (murmur2 in 64-bit Long objects) was a good part of this process's CPU,
// taken from the cores the api is measured on.
const RoundRobin = () => {
  let next = 0;
  return ({ partitionMetadata }) => next++ % partitionMetadata.length;
};
const producer = kafka.producer({ createPartitioner: RoundRobin, allowAutoTopicCreation: true });
await producer.connect();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Like a real producer's linger.ms: what is due is sent together every LINGER_MS. It matters
// here: the mock broker answers a fetch with one record batch per partition (real Kafka fills
// the fetch), so tiny produce requests would throttle any consumer of the mock.
const LINGER_MS = 50;
const started = Date.now();
let produced = 0;
const inFlight = new Set();
while (produced < count) {
  let allowed = count - produced;
  if (rate > 0)
    allowed = Math.min(allowed, Math.floor(((Date.now() - started) / 1000) * rate) - produced);
  if (Number.isFinite(window)) allowed = Math.min(allowed, progress + window - produced);
  allowed = Math.min(allowed, 1000);
  if (allowed <= 0 || inFlight.size >= 4) {
    await (inFlight.size >= 4 ? Promise.race(inFlight) : sleep(LINGER_MS));
    continue;
  }
  const messages = [];
  for (let i = 0; i < allowed; i++) messages.push(message(produced + i));
  produced += allowed;
  const sending = producer
    .send({ topic, messages, acks: 1, compression: CompressionTypes.None })
    .finally(() => inFlight.delete(sending));
  inFlight.add(sending);
  if (produced % 10_000 < allowed) process.send?.({ produced });
}
await Promise.all(inFlight);
const { user, system } = process.cpuUsage();
process.send?.({
  produced,
  done: true,
  seconds: (Date.now() - started) / 1000,
  cpuSeconds: (user + system) / 1e6,
});
await producer.disconnect();
process.exit(0);
