#!/usr/bin/env node
// Streams realistic sample posts (benign and harmful, several languages, some PII, the odd
// malformed event) into the content topic, for `npm start` and manual testing. Each sample post
// has one to three regular authors, so a post seen again is a small wave of its own; every few
// minutes a campaign of reworded scam posts arrives from a batch of fresh accounts, which the
// queue raises as a campaign.
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
const campaignEveryMs = Number(process.env.DEMO_CAMPAIGN_MINUTES ?? 4) * 60_000;
const sources = ['forum', 'comments', 'chat'];
const runId = Date.now().toString(36);

/** The accounts that post a sample: one to three per post, out of 25 regulars. */
function authorOf(postIndex) {
  const authors = 1 + (postIndex % 3);
  const k = Math.floor(Math.random() * authors);
  return `user-${1 + ((postIndex * 7 + k * 11) % 25)}`;
}

// A campaign: the same scam reworded, from accounts created for it. The phrases the offline
// scorer flags ("double your money", "guaranteed returns") are in every copy.
const CAMPAIGN_POSTS = 18;
const CAMPAIGN_ACCOUNTS = 12;
const CAMPAIGN = {
  opener: [
    'Crypto giveaway!',
    'Limited offer:',
    'Last chance!',
    'Free coins today:',
    '🚀 Giveaway:',
  ],
  hook: ['send', 'transfer', 'deposit'],
  middle: [
    'and double your money instantly',
    'and we double your money in minutes',
    'to double your money, guaranteed returns',
    'and get guaranteed returns right away',
  ],
  close: ['DM me', 'link in bio', 'only 50 spots left', 'ends tonight', 'message me now'],
};
/** Authors are per source (Sieve counts them so): each account posts on one. */
function sourceOf(authorId) {
  let hash = 0;
  for (const char of authorId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return sources[hash % sources.length];
}

const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
function campaignPost(campaign, i) {
  const coins = 50 * (1 + Math.floor(Math.random() * 20));
  const text = `${pick(CAMPAIGN.opener)} ${pick(CAMPAIGN.hook)} ${coins} USDT ${pick(CAMPAIGN.middle)}, ${pick(CAMPAIGN.close)}`;
  return {
    text: Math.random() < 0.2 ? text.toLowerCase() : text,
    lang: 'en',
    authorId: `promo-${runId}-${campaign}-${i % CAMPAIGN_ACCOUNTS}`,
  };
}

const kafka = new Kafka({ clientId: 'sieve-demo-producer', brokers, logLevel: logLevel.WARN });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });

const startedAt = Date.now();
let campaigns = 0;
let campaignSent = CAMPAIGN_POSTS;

/** The next post: a campaign's, every other message while one runs, or a sample's. */
function nextPost() {
  const due = startedAt + 45_000 + campaigns * campaignEveryMs;
  if (campaignEveryMs > 0 && campaignSent >= CAMPAIGN_POSTS && Date.now() >= due) {
    campaigns++;
    campaignSent = 0;
  }
  if (campaignSent < CAMPAIGN_POSTS && Math.random() < 0.5)
    return campaignPost(campaigns, campaignSent++);
  const index = Math.floor(Math.random() * posts.length);
  return { ...posts[index], authorId: authorOf(index) };
}

function nextMessage(n) {
  // One event in 40 is malformed on purpose, to show the dead-letter topic at work.
  if (n % 40 === 39)
    return { key: `demo-${runId}-${n}`, value: `{"id":"demo-${runId}-${n}","text":` };
  const post = nextPost();
  const id = `demo-${runId}-${n}`;
  const event = {
    id,
    source: sourceOf(post.authorId),
    authorId: post.authorId,
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
