import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';

const brokers = (process.env['SIEVE_E2E_BROKERS'] ?? '').split(',');

export const post = (text: string) => ({
  id: `e2e-${randomUUID()}`,
  source: 'e2e',
  authorId: 'e2e-author',
  text,
  lang: 'en',
  createdAt: new Date().toISOString(),
});

/** Sends content events (or, with `topic`, other messages) to the stack's broker, as a platform would. */
export async function produce(events: object[], topic = 'content.events'): Promise<void> {
  const kafka = new Kafka({ clientId: 'sieve-e2e', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({
    topic,
    messages: events.map((e) => ({ value: JSON.stringify(e) })),
  });
  await producer.disconnect();
}

/** Reads `moderation.decisions` from the beginning, as the platform would; stop() when done. */
export async function platformConsumer() {
  const kafka = new Kafka({ clientId: 'sieve-e2e-platform', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId: `e2e-platform-${randomUUID()}`,
    maxWaitTimeInMs: 100,
  });
  const received: Record<string, unknown>[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: 'moderation.decisions', fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      received.push(JSON.parse(message.value?.toString() ?? '{}'));
    },
  });
  return { received, stop: () => consumer.disconnect() };
}
