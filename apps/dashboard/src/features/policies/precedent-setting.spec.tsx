import type { PolicyVersionDto } from '@sieve/contracts';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderWithSystem } from '../../testing/render';
import { PrecedentSetting } from './precedent-setting';

const draft: PolicyVersionDto = {
  version: 4,
  status: 'draft',
  live: false,
  categorySetId: 'mistral-moderation-2603',
  rules: { pii: { enabled: true, reviewThreshold: 0.5 } },
  overrides: {},
  customCategories: [],
  grayZone: 0,
  precedent: null,
  basedOn: 3,
  changeNote: null,
  createdAt: new Date().toISOString(),
  createdBy: 'Pat',
  publishedAt: null,
  publishedBy: null,
  shadowSince: null,
};

describe('PrecedentSetting', () => {
  let sent: unknown[];
  beforeEach(() => {
    sent = [];
    global.fetch = jest.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
      sent.push(JSON.parse(String(init?.body)));
      return { status: 200, ok: true, json: async () => draft } as Response;
    }) as typeof fetch;
  });

  it('turns the rule on with the chosen actions, count and similarity, and saves it', async () => {
    renderWithSystem(<PrecedentSetting version={draft} editable />);
    const save = screen.getByRole('button', { name: 'Save' });
    expect(save).toHaveProperty('disabled', true);
    fireEvent.click(screen.getByLabelText(/Decide near-copies/));
    fireEvent.change(screen.getByLabelText('Decided posts needed'), { target: { value: '5' } });
    fireEvent.change(screen.getByLabelText('Similarity needed'), { target: { value: '0.95' } });
    fireEvent.click(screen.getByLabelText('approve'));
    fireEvent.click(save);
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toStrictEqual({
      rules: draft.rules,
      overrides: {},
      precedent: { actions: ['remove', 'approve'], minDecided: 5, minSimilarity: 0.95 },
    });
  });

  it('will not save a rule that decides nothing or follows a single post', () => {
    renderWithSystem(<PrecedentSetting version={draft} editable />);
    fireEvent.click(screen.getByLabelText(/Decide near-copies/));
    fireEvent.click(screen.getByLabelText('remove'));
    expect(screen.getByRole('alert').textContent).toContain('Tick at least one action');
    fireEvent.click(screen.getByLabelText('remove'));
    fireEvent.change(screen.getByLabelText('Decided posts needed'), { target: { value: '1' } });
    expect(screen.getByRole('button', { name: 'Save' })).toHaveProperty('disabled', true);
  });

  it('says what the live policy does', () => {
    renderWithSystem(
      <PrecedentSetting
        version={{
          ...draft,
          precedent: { actions: ['remove'], minDecided: 3, minSimilarity: 0.9 },
        }}
        editable={false}
      />,
    );
    expect(screen.getByTestId('precedent-setting').textContent).toContain(
      'at least 3 posts at least 90% alike were all removed by reviewers',
    );
  });
});
