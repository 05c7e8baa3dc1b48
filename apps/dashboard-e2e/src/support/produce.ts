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

/** Sends content events to the stack's broker, as a platform would. */
export async function produce(events: object[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'sieve-e2e', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({
    topic: 'content.events',
    messages: events.map((e) => ({ value: JSON.stringify(e) })),
  });
  await producer.disconnect();
}
