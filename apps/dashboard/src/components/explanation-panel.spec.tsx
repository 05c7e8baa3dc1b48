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
    warnings: [
      {
        code: 'post_addresses_model',
        message: 'The post contains text addressed to an AI model or to moderators.',
      },
    ],
  },
  followUps: [
    {
      question: 'Directed at someone?',
      answer: `Yes. ${INJECTED}`,
      quotes: ['a person'],
      warnings: [{ code: 'quotes_not_in_post', message: '1 quote the model gave was removed.' }],
    },
  ],
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
  it('shows progress while the model writes, then the checked card with its warnings — as text only', async () => {
    const api = fakeApi();
    renderWithSystem(<ExplanationPanel flagId="f1" canAsk />);
    fireEvent.click(await screen.findByRole('button', { name: /Explain/ }));
    await waitFor(() => expect(api.requests.some((r) => r.method === 'POST')).toBe(true));

    await api.send('progress', { receivedChars: 120 });
    const progress = screen.getByTestId('explanation-progress');
    expect(progress.textContent).toMatch(/120 characters.*once Sieve has checked it/);
    expect(screen.queryByTestId('explanation-card')).toBeNull();

    await api.send('done', explanation);
    const card = await screen.findByTestId('explanation-card');
    expect(screen.queryByTestId('explanation-progress')).toBeNull();
    expect(card.textContent).toContain(INJECTED);
    expect(card.textContent).toContain('Violates');
    expect(card.textContent).toContain('1020 tokens · $0.0003');
    const checks = screen.getAllByRole('list', { name: 'Checks on this answer' });
    expect(checks.map((list) => list.textContent)).toStrictEqual([
      'The post contains text addressed to an AI model or to moderators.',
      '1 quote the model gave was removed.',
    ]);
    expect(document.querySelector('img, script')).toBeNull();
  });

  it('says what went wrong when the stream reports an error', async () => {
    const api = fakeApi();
    renderWithSystem(<ExplanationPanel flagId="f1" canAsk />);
    fireEvent.click(await screen.findByRole('button', { name: /Explain/ }));
    await waitFor(() => expect(api.requests.some((r) => r.method === 'POST')).toBe(true));
    await api.send('error', {
      code: 'model_busy',
      message: 'Mistral is limiting requests right now. Try again in a minute.',
      reference: 'r1',
    });
    expect((await screen.findByRole('alert')).textContent).toMatch(/Mistral is limiting requests/);
    // Trying again asks the same question again.
    const posts = () => api.requests.filter((r) => r.method === 'POST').length;
    const before = posts();
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(posts()).toBe(before + 1));
  });
});
