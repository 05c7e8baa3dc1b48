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
    expect(clock.sleeps).toStrictEqual([]);
    await slow.stop();
  });

  it('keeps what a job did when it runs out of time, with its failed requests from the error file', async () => {
    const client = new MistralClient({ apiKey: server.apiKey, baseUrl: server.url });
    server.scriptNextBatchJob({ failEvery: 4, stopAfter: 10 });
    const requests = Array.from({ length: 12 }, (_, i) => ({
      custom_id: `r${i}`,
      body: { input: [`text ${i}`] },
    }));
    const { job, results, unanswered } = await client.batch.run<ModerationResponse>(
      '/v1/moderations',
      'mistral-moderation-2603',
      requests,
      { pollIntervalMs: 10 },
    );
    expect(job.status).toBe('TIMEOUT_EXCEEDED');
    // r3 and r7 failed (every 4th), r10 and r11 never ran; the other 8 have their answers.
    expect(unanswered).toStrictEqual(['r3', 'r7', 'r10', 'r11']);
    expect(results.get('r3')?.error?.message).toMatch(/Internal error/);
    expect(results.get('r0')?.response?.status_code).toBe(200);
    expect(results.size).toBe(10);
  });

  it('cancels the job at Mistral when the caller aborts, with the calls a strict server accepts', async () => {
    const slow = await new FakeMistralServer({ batchJobDelayMs: 60_000 }).start();
    try {
      const client = new MistralClient({ apiKey: slow.apiKey, baseUrl: slow.url });
      const controller = new AbortController();
      const running = client.batch.run(
        '/v1/moderations',
        'mistral-moderation-2603',
        [{ custom_id: 'a', body: { input: ['x'] } }],
        { pollIntervalMs: 20, signal: controller.signal, onProgress: () => controller.abort() },
      );
      await expect(running).rejects.toThrow();
      const cancel = slow.requests.find((r) => r.path.endsWith('/cancel'));
      expect(cancel).toMatchObject({ method: 'POST', body: null });
      const jobs = await client.batch.list();
      expect(jobs.data[0].status).toBe('CANCELLED');
    } finally {
      await slow.stop();
    }
  });

  it('refuses a job answer it cannot read, rather than polling on it', async () => {
    const client = new MistralClient({
      apiKey: server.apiKey,
      baseUrl: server.url,
      retry: { maxAttempts: 1 },
    });
    server.inject({ kind: 'status', status: 200, body: { id: 'x', status: 'DONE-ISH' } });
    await expect(client.batch.get('x')).rejects.toThrow(/unknown status/);
    server.inject({
      kind: 'status',
      status: 200,
      body: { object: 'list', data: [{ name: 'no id' }] },
    });
    await expect(client.models.list()).rejects.toThrow(/list of model cards/);
  });
});
