// Benchmark producer, run as a child process so producing does not share a thread with what is
// measured. Options come as JSON in argv[2]:
//   { brokers, topic, count, rate, window, dupRatio, judgedRatio, runId }
// rate: events/s (0 = as fast as the window allows). window: the most events allowed ahead of
// the consumer's progress, which the parent sends as {progress: n} messages — the mock broker
// keeps only ~5 MB per partition, so an unbounded backlog would lose events.
// Event ids carry the produce time in ms (`<runId>-<n>-<ms>`), for latency measurements.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const options = JSON.parse(process.argv[2]);
const {
  brokers,
  topic,
  count,
  rate = 0,
  window = Infinity,
  dupRatio = 0,
  judgedRatio = 0,
  runId,
} = options;
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
  // The last judgedRatio of every hundred offer tickets: what the custom-category run's pre-filter
  // sends to the judge.
  const offer =
    n % 100 >= 100 - judgedRatio * 100 ? ' Selling tickets above face value, DM me.' : '';
  const text = `${posts[n % posts.length]}${offer} (${runId} #${n})`;
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

// The platform's producer is librdkafka (kcat), as most production producers are: kafkajs's
// producer took 14–17% of a core here, from the two cores the api is measured on; kcat with
// this process's JSON about 4 µs per event. Lines are `key<TAB>value`; JSON values hold no raw
// tab or newline. linger.ms as a real producer's: what is due is sent together, which matters
// here (the mock broker answers a fetch with one record batch per partition, so tiny produce
// requests would throttle any consumer of the mock).
const kcat = spawn(
  'kcat',
  [
    '-b',
    brokers.join(','),
    '-P',
    '-t',
    topic,
    '-K',
    '\t',
    '-X',
    'linger.ms=50',
    '-X',
    'acks=1',
    '-q',
  ],
  { stdio: ['pipe', 'inherit', 'pipe'] },
);
let kcatErrors = '';
kcat.stderr.on('data', (chunk) => {
  kcatErrors = (kcatErrors + chunk).slice(-2000);
});
const kcatExit = new Promise((resolve) => kcat.on('exit', resolve));
// Its CPU time, read while it runs (its /proc entry goes with it).
let kcatCpuSeconds = 0;
const readKcatCpu = () => {
  try {
    const fields = readFileSync(`/proc/${kcat.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    kcatCpuSeconds = (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    // exited
  }
};
const cpuPoll = setInterval(readKcatCpu, 100);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const TICK_MS = 10;
const started = Date.now();
let produced = 0;
while (produced < count) {
  let allowed = count - produced;
  if (rate > 0)
    allowed = Math.min(allowed, Math.floor(((Date.now() - started) / 1000) * rate) - produced);
  if (Number.isFinite(window)) allowed = Math.min(allowed, progress + window - produced);
  allowed = Math.min(allowed, 1000);
  if (allowed <= 0) {
    await sleep(TICK_MS);
    continue;
  }
  let lines = '';
  for (let i = 0; i < allowed; i++) {
    const { key, value } = message(produced + i);
    lines += `${key}\t${value}\n`;
  }
  produced += allowed;
  if (!kcat.stdin.write(lines)) await new Promise((r) => kcat.stdin.once('drain', r));
  if (produced % 10_000 < allowed) process.send?.({ produced });
}
readKcatCpu();
kcat.stdin.end();
const code = await kcatExit;
clearInterval(cpuPoll);
if (code !== 0 || /fail|error/i.test(kcatErrors)) {
  console.error(`kcat producer exited ${code}: ${kcatErrors}`);
  process.exit(1);
}
const { user, system } = process.cpuUsage();
process.send?.({
  produced,
  done: true,
  seconds: (Date.now() - started) / 1000,
  cpuSeconds: (user + system) / 1e6 + kcatCpuSeconds,
});
process.exit(0);
