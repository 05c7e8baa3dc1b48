import type { AppConfig } from '../config/app-config';
import { chunkMessages, KafkaService } from './kafka.service';

describe('chunkMessages', () => {
  const message = (bytes: number) => ({ key: null, value: Buffer.alloc(bytes) });

  it('keeps every request under the limit, in order, and sends an oversized message alone', () => {
    const messages = [message(400), message(400), message(400), message(2000), message(10)];
    const chunks = chunkMessages(messages, 1000);
    expect(chunks.map((c) => c.map((m) => (m.value as Buffer).length))).toStrictEqual([
      [400, 400],
      [400],
      [2000],
      [10],
    ]);
    expect(chunks.flat()).toStrictEqual(messages);
  });

  it('counts keys and headers too', () => {
    const withHeaders = {
      key: 'k'.repeat(300),
      value: 'v'.repeat(300),
      headers: { reason: 'x'.repeat(300) },
    };
    expect(chunkMessages([withHeaders, withHeaders], 1500)).toHaveLength(2);
    expect(chunkMessages([], 1000)).toStrictEqual([]);
  });

  it('caps the messages per request', () => {
    const chunks = chunkMessages(
      Array.from({ length: 1201 }, () => message(10)),
      1e6,
      500,
    );
    expect(chunks.map((c) => c.length)).toStrictEqual([500, 500, 201]);
  });
});

/** A kafkajs consumer whose join the test controls, and whose crashes it raises. */
function fakeConsumer(run: () => Promise<void>) {
  type CrashListener = (event: { payload: { error: Error; restart: boolean } }) => void;
  const listeners = new Map<string, CrashListener>();
  return {
    events: { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' },
    on: (event: string, listener: CrashListener) => listeners.set(event, listener),
    connect: jest.fn(async () => undefined),
    subscribe: jest.fn(async () => undefined),
    run: jest.fn(run),
    disconnect: jest.fn(async () => undefined),
    crash: (restart: boolean) =>
      listeners.get('consumer.crash')?.({
        payload: { error: new Error('INVALID_REQUEST'), restart },
      }),
  };
}

describe('KafkaService.consumeEach', () => {
  const config = {
    KAFKA_CLIENT_ID: 'sieve-test',
    KAFKA_BROKERS: ['127.0.0.1:1'],
    KAFKA_SESSION_TIMEOUT_MS: 10_000,
    KAFKA_FETCH_MAX_WAIT_MS: 100,
    INGEST_MAX_BACKOFF_MS: 30_000,
  } as AppConfig;
  const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** A service whose consumers are the given fakes, one per member it creates. */
  function serviceWith(...consumers: ReturnType<typeof fakeConsumer>[]) {
    const service = new KafkaService(config);
    const created: ReturnType<typeof fakeConsumer>[] = [];
    Object.assign(service, {
      kafka: {
        consumer: () => {
          const next = consumers.shift();
          if (!next) throw new Error('no more consumers');
          created.push(next);
          return next;
        },
      },
    });
    return { service, created };
  }

  it('returns before the group is joined, and stopping leaves the group', async () => {
    const joining = fakeConsumer(() => new Promise(() => undefined)); // a rebalance that lasts
    const { service } = serviceWith(joining);
    const handle = service.consumeEach('appeals', 'g-appeals', async () => undefined);
    await tick(0);
    expect(joining.run).toHaveBeenCalledTimes(1);
    await handle.stop();
    expect(joining.disconnect).toHaveBeenCalledTimes(1);
  });

  it('replaces a member that could not start, and one kafkajs gave up on', async () => {
    const refused = fakeConsumer(async () => {
      throw new Error('connection refused');
    });
    const givenUp = fakeConsumer(async () => undefined);
    const third = fakeConsumer(async () => undefined);
    const { service, created } = serviceWith(refused, givenUp, third);
    // The shortest backoff the ceiling allows: 3–5 ms.
    const handle = service.consumeEach('appeals', 'g-appeals', async () => undefined, 5);
    await tick(50);
    expect(created).toStrictEqual([refused, givenUp]);
    expect(refused.disconnect).toHaveBeenCalledTimes(1);

    givenUp.crash(true); // kafkajs restarts this one itself
    await tick(50);
    expect(created).toHaveLength(2);
    givenUp.crash(false);
    await tick(50);
    expect(created).toStrictEqual([refused, givenUp, third]);
    expect(givenUp.disconnect).toHaveBeenCalledTimes(1);

    await handle.stop();
    third.crash(false); // after stop: not replaced
    await tick(50);
    expect(created).toHaveLength(3);
    expect(third.disconnect).toHaveBeenCalledTimes(1);
  });
});
