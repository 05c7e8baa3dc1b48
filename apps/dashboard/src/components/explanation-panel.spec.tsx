import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import type { ExplanationDto } from '@sieve/contracts';
import { renderWithSystem } from '../testing/render';
import { ExplanationPanel } from './explanation-panel';

const INJECTED = '<img src=x onerror="alert(1)"><script>alert(2)</script>';

const explanation: ExplanationDto = {
  id: 'x1',
  explainer: 'mistral',
  model: 'mistral-small-latest',
  card: {
    summary: `The post threatens a person. ${INJECTED}`,
    categories: [
      {
        category: 'violence_and_threats',
        verdict: 'violates',
        rationale: 'A direct threat.',
        quotes: [INJECTED],
        confidence: 0.9,
      },
    ],
  },
  followUps: [],
  promptTokens: 900,
  completionTokens: 120,
  costUsd: 0.00031,
  createdAt: new Date().toISOString(),
};

/** POST answers with a stream the test writes server-sent-event frames into. */
function fakeApi() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  const requests: { method: string; body?: string }[] = [];
  global.fetch = jest.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    requests.push({ method: init?.method ?? 'GET', body: init?.body as string | undefined });
    if (init?.method === 'POST') return { ok: true, status: 200, body } as unknown as Response;
    return { ok: true, status: 200, json: async () => null } as unknown as Response;
  }) as typeof fetch;
  const send = (event: string, data: unknown) =>
    act(async () => {
      controller.enqueue(
        new TextEncoder().encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
      );
      await new Promise((r) => setTimeout(r, 10));
    });
  return { requests, send, end: () => controller.close() };
}

describe('ExplanationPanel', () => {
  it('shows the answer as it streams, then the card — model output rendered as text only', async () => {
    const api = fakeApi();
    renderWithSystem(<ExplanationPanel flagId="f1" canAsk />);
    fireEvent.click(await screen.findByRole('button', { name: /Explain/ }));
    await waitFor(() => expect(api.requests.some((r) => r.method === 'POST')).toBe(true));

    await api.send('delta', { text: 'The post ' });
    await api.send('delta', { text: `quotes ${INJECTED}` });
    const stream = screen.getByTestId('explanation-stream');
    expect(stream.textContent).toBe(`The post quotes ${INJECTED}`);
    expect(document.querySelector('img, script')).toBeNull();

    await api.send('done', explanation);
    const card = await screen.findByTestId('explanation-card');
    expect(screen.queryByTestId('explanation-stream')).toBeNull();
    expect(card.textContent).toContain(INJECTED);
    expect(card.textContent).toContain('Violates');
    expect(card.textContent).toContain('1020 tokens · $0.0003');
    expect(document.querySelector('img, script')).toBeNull();
  });

  it('says what went wrong when the stream reports an error', async () => {
    const api = fakeApi();
    renderWithSystem(<ExplanationPanel flagId="f1" canAsk />);
    fireEvent.click(await screen.findByRole('button', { name: /Explain/ }));
    await waitFor(() => expect(api.requests.some((r) => r.method === 'POST')).toBe(true));
    await api.send('error', { message: 'Mistral is unavailable; try again shortly' });
    expect((await screen.findByRole('alert')).textContent).toMatch(/Mistral is unavailable/);
  });
});
