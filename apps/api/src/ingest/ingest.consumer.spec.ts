import { EventEmitter } from 'node:events';
import { type Consumer, KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { loadConfig } from '../config/app-config';
import { KafkajsContentEventConsumer } from '../kafka/content-event-consumer';
import type { KafkaService } from '../kafka/kafka.service';
import { MetricsService } from '../metrics/metrics.service';
import { IngestConsumer } from './ingest.consumer';
import type { IngestService } from './ingest.service';

/**
 * kafkajs gives up on a consumer after a non-retriable error, which the mock broker answers
 * only by chance (a SyncGroup during a rebalance): so a stand-in consumer here, that crashes
 * on demand. Consuming itself is covered by the ingest integration specs.
 */
class StandInConsumer extends EventEmitter {
  readonly events = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' };
  running = false;
  disconnected = false;
  readonly connect = jest.fn(async () => undefined);
  readonly subscribe = jest.fn(async () => undefined);
  readonly run = jest.fn(async () => {
    this.running = true;
  });
  readonly disconnect = jest.fn(async () => {
    this.running = false;
    this.disconnected = true;
  });
  readonly commitOffsets = jest.fn(async () => undefined);
  readonly pause = jest.fn(() => this.refuseUnlessRunning());
  readonly resume = jest.fn(() => this.refuseUnlessRunning());
  readonly seek = jest.fn(() => this.refuseUnlessRunning());

  join(partitions: number[]) {
    this.emit(this.events.GROUP_JOIN, {
      payload: { memberAssignment: { 'content.events': partitions } },
    });
  }
  crash(error: Error, restart: boolean) {
    this.running = false;
    this.emit(this.events.CRASH, { payload: { error, restart } });
  }
  private refuseUnlessRunning() {
    if (!this.running) throw new KafkaJSNonRetriableError('Consumer group was not initialized');
  }
}

describe('IngestConsumer', () => {
  const consumers: StandInConsumer[] = [];
  let ingest: IngestConsumer;
  let metrics: MetricsService;
  let failingConnects = 0;

  beforeEach(async () => {
    jest.useFakeTimers();
    consumers.length = 0;
    const kafka = {
      contentEventConsumer: () => {
        const consumer = new StandInConsumer();
        if (failingConnects > 0) {
          failingConnects--;
          consumer.connect.mockRejectedValue(new Error('connect ECONNREFUSED'));
        }
        consumers.push(consumer);
        return new KafkajsContentEventConsumer(
          consumer as unknown as Consumer,
          'content.events',
          4,
        );
      },
    } as unknown as KafkaService;
    const config = loadConfig({
      DATABASE_URL: 'postgres://x/y',
      KAFKA_BROKERS: 'k:9092',
      INGEST_MAX_BACKOFF_MS: '1000',
    });
    metrics = new MetricsService();
    ingest = new IngestConsumer(config, kafka, {} as IngestService, metrics);
    await ingest.onApplicationBootstrap();
    consumers[0].join([0, 1]);
  });
  afterEach(async () => {
    await ingest.onModuleDestroy();
    jest.useRealTimers();
  });

  const restarts = async () =>
    (await metrics.registry.getSingleMetric('sieve_consumer_restarts_total')?.get())?.values[0]
      ?.value ?? 0;

  it('replaces a consumer kafkajs gave up on, and is ready again once the new one joins', async () => {
    expect(ingest.state).toBe('running');
    consumers[0].crash(new KafkaJSProtocolError('INVALID_REQUEST'), false);
    expect(ingest.state).toBe('crashed');

    await jest.advanceTimersByTimeAsync(1000);
    expect(consumers).toHaveLength(2);
    expect(consumers[0].disconnected).toBe(true);
    expect(consumers[1].subscribe).toHaveBeenCalledWith({
      topics: ['content.events'],
      fromBeginning: true,
    });
    expect(consumers[1].run).toHaveBeenCalled();
    expect(ingest.state).toBe('starting'); // not ready until it has partitions
    consumers[1].join([0, 1]);
    expect(ingest.state).toBe('running');
    expect(await restarts()).toBe(1);
  });

  it('leaves a consumer kafkajs restarts itself to kafkajs', async () => {
    consumers[0].crash(new Error('connection reset'), true);
    await jest.advanceTimersByTimeAsync(5000);
    expect(consumers).toHaveLength(1);
    expect(await restarts()).toBe(0);
  });

  it('keeps trying, backing off, while a new consumer cannot start', async () => {
    failingConnects = 2; // the broker is unreachable for a while
    consumers[0].crash(new KafkaJSProtocolError('INVALID_REQUEST'), false);
    await jest.advanceTimersByTimeAsync(5000);
    expect(consumers).toHaveLength(4);
    expect(consumers.slice(1, 3).every((c) => c.disconnected)).toBe(true);
    expect(consumers[3].run).toHaveBeenCalled();
    consumers[3].join([0, 1]);
    expect(ingest.state).toBe('running');
    expect(await restarts()).toBe(3);
  });

  it('starts no new consumer once shutting down', async () => {
    const stopping = ingest.onModuleDestroy();
    consumers[0].crash(new KafkaJSProtocolError('INVALID_REQUEST'), false);
    await stopping;
    await jest.advanceTimersByTimeAsync(5000);
    expect(consumers).toHaveLength(1);
  });
});
