#!/usr/bin/env node
// Streams realistic sample posts (benign and harmful, several languages, some PII, the odd
// malformed event) into the content topic, for `npm start` and manual testing.
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, Partitioners } from 'kafkajs';

const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
if (brokers.length === 0) {
  console.error('demo-producer: set KAFKA_BROKERS (host:port[,host:port…])');
  process.exit(1);
}
const topic = process.env.KAFKA_CONTENT_TOPIC ?? 'content.events';
const ratePerSecond = Number(process.env.DEMO_RATE ?? 2);
const limit = Number(process.env.DEMO_LIMIT ?? Infinity);
const posts = JSON.parse(
  readFileSync(new URL('./demo/sample-posts.json', import.meta.url), 'utf8'),
);
const sources = ['forum', 'comments', 'chat'];
const runId = Date.now().toString(36);

const kafka = new Kafka({ clientId: 'sieve-demo-producer', brokers, logLevel: logLevel.WARN });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });

function nextMessage(n) {
  // One event in 40 is malformed on purpose, to show the dead-letter topic at work.
  if (n % 40 === 39)
    return { key: `demo-${runId}-${n}`, value: `{"id":"demo-${runId}-${n}","text":` };
  const post = posts[Math.floor(Math.random() * posts.length)];
  const id = `demo-${runId}-${n}`;
  const event = {
    id,
    source: sources[n % sources.length],
    authorId: `user-${1 + Math.floor(Math.random() * 25)}`,
    text: post.text,
    lang: post.lang,
    createdAt: new Date().toISOString(),
    context: { threadId: `thread-${1 + Math.floor(Math.random() * 8)}` },
  };
  return { key: id, value: JSON.stringify(event) };
}

let stopping = false;
const stop = async () => {
  stopping = true;
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

await producer.connect();
console.log(`demo-producer: streaming ~${ratePerSecond} posts/s to ${topic}`);
for (let n = 0; n < limit && !stopping; n++) {
  await producer.send({ topic, messages: [nextMessage(n)] });
  await new Promise((r) => setTimeout(r, 1000 / ratePerSecond));
}
await producer.disconnect();
