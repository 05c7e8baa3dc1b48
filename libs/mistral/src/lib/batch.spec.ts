import { FakeClock, FakeMistralServer } from '../testing';
import { MistralClient } from './client';
import type { ModerationResponse } from './moderations';

describe('batch jobs', () => {
  const server = new FakeMistralServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it('uploads JSONL, creates a job, polls it to SUCCESS and returns results by custom_id', async () => {
    const client = new MistralClient({ apiKey: server.apiKey, baseUrl: server.url });
    const progress: string[] = [];
    const { job, results } = await client.batch.run<ModerationResponse>(
      '/v1/moderations',
      'mistral-moderation-2603',
      [
        { custom_id: 'e1', body: { input: ['nice day'] } },
        { custom_id: 'e2', body: { input: ['I will kill you'] } },
      ],
      { pollIntervalMs: 10, onProgress: (j) => progress.push(j.status) },
    );
    expect(job).toMatchObject({ status: 'SUCCESS', total_requests: 2, succeeded_requests: 2 });
    expect(progress[progress.length - 1]).toBe('SUCCESS');
    expect(results.get('e2')?.response?.body.results[0].categories['violence_and_threats']).toBe(
      true,
    );
    expect(results.get('e1')?.response?.body.results[0].categories['violence_and_threats']).toBe(
      false,
    ); // The job's tokens are counted with the endpoint's other usage.
    expect(client.usage.summary().byModel['mistral-moderation-2603']?.requests).toBe(2);
  });

  it('polls with the injected clock, so waiting needs no real time', async () => {
    // A job that stays queued long enough to be cancelled, however busy the machine is.
    const slow = await new FakeMistralServer({ batchJobDelayMs: 60_000 }).start();
    const clock = new FakeClock();
    const client = new MistralClient({ apiKey: slow.apiKey, baseUrl: slow.url, clock });
    const file = await client.files.upload(
      'x.jsonl',
      JSON.stringify({ custom_id: 'a', body: { input: 'x' } }),
    );
    const created = await client.batch.create({
      endpoint: '/v1/moderations',
      model: 'mistral-moderation-2603',
      input_files: [file.id],
    });
    expect(created.status).toBe('QUEUED');
    const cancelled = await client.batch.cancel(created.id);
    expect(cancelled.status).toBe('CANCELLED');
    const finished = await client.batch.wait(created.id, { pollIntervalMs: 60_000 });
    expect(finished.status).toBe('CANCELLED');
    expect(clock.sleeps).toEqual([]);
    await slow.stop();
  });
});
