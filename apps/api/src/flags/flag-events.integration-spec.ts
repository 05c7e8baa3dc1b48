import type { FlagEventDto } from '@sieve/contracts';
import { firstValueFrom, filter, timeout } from 'rxjs';
import { startTestStack } from '../../test/test-stack';
import { FlagEventsService } from './flag-events.service';

describe('live flag events (Postgres LISTEN/NOTIFY → server-sent events)', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    stack = await startTestStack({ INGEST_ENABLED: 'false' });
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
    expect(await claimed).toEqual({ type: 'flag.updated', ids: [flag.id] });

    const decided = next((e) => e.ids.includes(flag.id));
    await reviewer.agent
      .post(`/api/flags/${flag.id}/decision`)
      .set('x-csrf-token', reviewer.csrfToken)
      .send({ action: 'approve', reason: 'Not harmful' })
      .expect(201);
    expect(await decided).toEqual({ type: 'flag.updated', ids: [flag.id] });
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
});
