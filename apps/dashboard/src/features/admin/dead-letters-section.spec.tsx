import type { DeadLetterReplayDto, DeadLetterSurveyDto } from '@sieve/contracts';
import { fireEvent, screen, within } from '@testing-library/react';
import { renderWithSystem } from '../../testing/render';
import { DeadLettersSection } from './dead-letters-section';

const entry = (count: number, detail: string) => ({
  count,
  firstFailedAt: '2026-12-06T10:00:00.000Z',
  lastFailedAt: '2026-12-07T10:00:00.000Z',
  latest: [{ from: 'content.events/1/42 (dead letter 0/7)', key: 'k', detail, failedAt: null }],
});
const survey: DeadLetterSurveyDto = {
  topic: 'content.events.dlq',
  total: 5,
  byReason: {
    invalid_json: entry(2, 'Unexpected end of JSON input'),
    text_too_large: entry(3, 'text is 40,000 bytes, over the 32,768 limit'),
  },
};
const report = (dryRun: boolean): DeadLetterReplayDto => ({
  dryRun,
  read: 5,
  replayed: 3,
  byTopic: { 'content.events': 3 },
  skipped: { truncated: 0, erased: 0, foreignTopic: 0 },
});

describe('DeadLettersSection', () => {
  let posted: unknown[];
  let surveys: number;
  beforeEach(() => {
    posted = [];
    surveys = 0;
    global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      let body: unknown = survey;
      if (init?.method === 'POST') {
        const sent = JSON.parse(String(init.body)) as { dryRun: boolean };
        posted.push(sent);
        body = report(sent.dryRun);
      } else surveys++;
      return { status: 200, ok: true, json: async () => body } as Response;
    }) as typeof fetch;
  });

  it('reads the topic on demand, then replays one reason after showing how many would go', async () => {
    renderWithSystem(<DeadLettersSection />);
    expect(surveys).toBe(0);
    fireEvent.click(screen.getByRole('button', { name: 'Check the dead-letter topic' }));
    const table = await screen.findByTestId('dead-letters');
    const reasons = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.querySelector('td')?.textContent);
    expect(reasons).toStrictEqual(['text_too_large', 'invalid_json']);

    fireEvent.click(within(table).getByRole('button', { name: 'Replay text_too_large' }));
    const dialog = screen.getByRole('dialog', { name: 'Replay dead letters' });
    await within(dialog).findByText(/back to content.events/);
    expect(dialog.textContent).toContain('Send 3 dead letters of text_too_large');
    expect(posted).toStrictEqual([{ reasons: ['text_too_large'], dryRun: true }]);

    fireEvent.click(within(dialog).getByRole('button', { name: 'Replay 3' }));
    await within(dialog).findByText('Sent 3 back.');
    expect(posted[1]).toStrictEqual({ reasons: ['text_too_large'], dryRun: false });
    // The topic is read again, to show what came back.
    expect(surveys).toBe(2);
  });
});
