import { screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import type { AppealDto } from '@sieve/contracts';
import { renderWithSystem } from '../../testing/render';
import { AppealsPage } from './appeals-page';

const appeal = (overrides: Partial<AppealDto>): AppealDto => ({
  id: 'a1',
  appealId: 'ap-1',
  source: 'forum',
  eventId: 'post-1',
  flagId: 'f1',
  status: 'open',
  statement: 'a quote from a film',
  submittedBy: 'token:forum',
  submittedAt: new Date().toISOString(),
  appealed: {
    kind: 'reviewer',
    reason: 'Threat of violence',
    reviewerId: 'someone-else',
    reviewer: 'Omar',
    decidedAt: new Date().toISOString(),
  },
  decidedBy: null,
  decidedAt: null,
  outcomeReason: null,
  post: {
    text: 'I will kill you',
    authorId: 'u-1',
    triggered: [{ category: 'pii', score: 0.9, threshold: 0.5, action: 'review' }],
    erasedAt: null,
  },
  ...overrides,
});

describe('AppealsPage', () => {
  const render = (items: AppealDto[]) => {
    global.fetch = jest.fn(async (input: RequestInfo | URL) => {
      const body = String(input).includes('/appeals?')
        ? { items, nextCursor: null }
        : { message: 'not in this test' };
      const status = String(input).includes('/appeals?') ? 200 : 503;
      return { status, ok: status < 400, json: async () => body } as Response;
    }) as typeof fetch;
    renderWithSystem(
      <MemoryRouter>
        <AppealsPage />
      </MemoryRouter>,
    );
  };

  it('shows the post and what its author says', async () => {
    render([appeal({})]);
    const card = await screen.findByRole('listitem', { name: 'Appeal ap-1' });
    expect(card.querySelector('blockquote.post-text')?.textContent).toBe('I will kill you');
    expect(card.querySelector('blockquote.appeal-statement')?.textContent).toBe(
      'a quote from a film',
    );
  });

  it('says who made the appealed decision: a reviewer, a block, or Sieve by precedent', async () => {
    const automatic = { reviewerId: null, reviewer: null, decidedAt: null };
    render([
      appeal({}),
      appeal({
        id: 'a2',
        appealId: 'ap-2',
        appealed: { ...automatic, kind: 'automatic', reason: null },
      }),
      appeal({
        id: 'a3',
        appealId: 'ap-3',
        appealed: {
          ...automatic,
          kind: 'automatic',
          reason: 'By precedent: reviewers removed 3 posts at least 90% alike',
        },
      }),
    ]);
    const said = async (name: string, text: string) =>
      expect(
        within(await screen.findByRole('listitem', { name })).getByText(text, { exact: false }),
      ).toBeTruthy();
    await said('Appeal ap-1', 'Removed by Omar: Threat of violence');
    await said('Appeal ap-2', 'Blocked automatically');
    await said(
      'Appeal ap-3',
      'Removed automatically. By precedent: reviewers removed 3 posts at least 90% alike',
    );
  });

  it('says a post erased since the appeal was erased, and can still be decided', async () => {
    const erasedAt = '2026-12-01T10:00:00.000Z';
    render([
      appeal({
        statement: '',
        post: { ...appeal({}).post, text: '', erasedAt },
      }),
    ]);
    const card = await screen.findByRole('listitem', { name: 'Appeal ap-1' });
    expect(within(card).getByTestId('post-erased').textContent).toContain(
      `erased at the author's request on ${new Date(erasedAt).toLocaleDateString()}`,
    );
    expect(card.querySelector('blockquote')).toBeNull();
    expect(card.textContent).toContain("Erased at the author's request.");
    expect(within(card).getByRole('form', { name: 'Decide the appeal' })).toBeTruthy();
  });
});
