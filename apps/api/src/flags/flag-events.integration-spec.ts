import { randomUUID } from 'node:crypto';
import type { FlagEventDto } from '@sieve/contracts';
import { DataSource } from 'typeorm';
import { firstValueFrom, filter, timeout } from 'rxjs';
import { startTestStack } from '../../test/test-stack';
import { FlagEventsService, notifyFlagEvent } from './flag-events.service';

describe('live flag events (Postgres LISTEN/NOTIFY → server-sent events)', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    stack = await startTestStack({ INGEST_ENABLED: 'false', LIVE_STREAMS_PER_USER: '2' });
  });
  afterAll(() => stack?.stop());

  const next = (match: (e: FlagEventDto) => boolean) =>
    firstValueFrom(stack.app.get(FlagEventsService).events.pipe(filter(match), timeout(10_000)));

  it('announces claims and decisions once their transaction commits', async () => {
    const reviewer = await stack.signIn('reviewer');
    const flag = await stack.seedFlag();
    const claimed = next((e) => e.ids.includes(flag.id));
    await reviewer.agent
      .post(`/api/flags/${flag.id}/claim`)
      .set('x-csrf-token', reviewer.csrfToken)
      .expect(201);
    expect(await claimed).toStrictEqual({ type: 'flag.updated', ids: [flag.id] });

    const decided = next((e) => e.ids.includes(flag.id));
    await reviewer.agent
      .post(`/api/flags/${flag.id}/decision`)
      .set('x-csrf-token', reviewer.csrfToken)
      .send({ action: 'approve', reason: 'Not harmful' })
      .expect(201);
    expect(await decided).toStrictEqual({ type: 'flag.updated', ids: [flag.id] });
  });

  it('splits an event about many flags into NOTIFYs Postgres accepts (8000 bytes each)', async () => {
    const ids: string[] = Array.from({ length: 250 }, () => randomUUID());
    const received: FlagEventDto[] = [];
    const subscription = stack.app
      .get(FlagEventsService)
      .events.pipe(filter((e) => ids.includes(e.ids[0])))
      .subscribe((e) => received.push(e));
    await stack.app
      .get(DataSource)
      .transaction((tx) => notifyFlagEvent(tx, { type: 'flag.updated', ids }));
    for (let waited = 0; received.length < 3 && waited < 10_000; waited += 50)
      await new Promise((r) => setTimeout(r, 50));
    subscription.unsubscribe();
    expect(received.map((e) => e.ids.length)).toStrictEqual([100, 100, 50]);
    expect(received.flatMap((e) => e.ids)).toStrictEqual(ids);
  });

  it('streams them to signed-in clients as server-sent events', async () => {
    const viewer = await stack.signIn('viewer');
    const reviewer = await stack.signIn('reviewer');
    const server = stack.app.getHttpServer() as import('node:http').Server;
    if (!server.listening)
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/api/flags/events`, {
      headers: { cookie: viewer.cookie },
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const flag = await stack.seedFlag();
    await reviewer.agent
      .post(`/api/flags/${flag.id}/claim`)
      .set('x-csrf-token', reviewer.csrfToken)
      .expect(201);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes(flag.id))
      text += decoder.decode((await reader.read()).value, { stream: true });
    controller.abort();
    expect(text).toContain('event: flag.updated\n');
    expect(text).toContain(`data: {"type":"flag.updated","ids":["${flag.id}"]}`);
  });

  async function openStream(cookie: string) {
    const server = stack.app.getHttpServer() as import('node:http').Server;
    if (!server.listening)
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/api/flags/events`, {
      headers: { cookie },
      signal: controller.signal,
    });
    return { response, close: () => controller.abort() };
  }

  it('ends a stream when its session signs out, and refuses more than the per-person cap', async () => {
    const viewer = await stack.signIn('viewer');
    const first = await openStream(viewer.cookie);
    const second = await openStream(viewer.cookie);
    expect([first.response.status, second.response.status]).toStrictEqual([200, 200]);
    const third = await openStream(viewer.cookie);
    expect(third.response.status).toBe(429);
    expect(((await third.response.json()) as { message: string }).message).toMatch(
      /At most 2 live streams/,
    );
    // Closing one makes room for another.
    second.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await openStream(viewer.cookie);
    expect(again.response.status).toBe(200);
    again.close();

    await viewer.agent.post('/api/auth/logout').set('x-csrf-token', viewer.csrfToken).expect(204);
    const reader = (first.response.body as ReadableStream<Uint8Array>).getReader();
    const ended = async () => {
      for (;;) if ((await reader.read()).done) return 'ended';
    };
    const waited = new Promise((resolve) => setTimeout(() => resolve('still open'), 3000));
    expect(await Promise.race([ended(), waited])).toBe('ended');
    first.close();
  });
});
