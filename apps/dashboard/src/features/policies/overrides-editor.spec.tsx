import type { BacktestDataDto, PolicyVersionDto } from '@sieve/contracts';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { useBacktestData } from '../../hooks/use-policies';
import { renderWithSystem, SYSTEM_INFO } from '../../testing/render';
import { DraftEditor } from './draft-editor';

const buckets = (entries: Record<number, number>) =>
  Array.from({ length: 101 }, (_, i) => entries[i] ?? 0);

const version = (n: number, live: boolean): PolicyVersionDto => ({
  version: n,
  status: live ? 'published' : 'draft',
  live,
  categorySetId: 'mistral-moderation-2603',
  rules: {
    pii: { enabled: true, reviewThreshold: 0.5 },
    violence_and_threats: { enabled: true, reviewThreshold: 0.5, autoActionThreshold: 0.9 },
  },
  overrides: { kids: { violence_and_threats: { enabled: true, reviewThreshold: 0.2 } } },
  customCategories: [],
  grayZone: 0,
  precedent: null,
  basedOn: live ? null : n - 1,
  changeNote: null,
  createdAt: '2026-12-01T10:00:00.000Z',
  createdBy: 'Pat',
  publishedAt: null,
  publishedBy: null,
  shadowSince: null,
});

const data: BacktestDataDto = {
  from: '2026-11-30T00:00:00Z',
  to: '2026-12-07T00:00:00Z',
  events: 40,
  histograms: {
    forum: { pii: buckets({ 10: 10, 60: 4 }), violence_and_threats: buckets({ 30: 6 }) },
    kids: { pii: buckets({ 45: 3 }), violence_and_threats: buckets({ 30: 5, 70: 2 }) },
  },
  labelled: {},
  histogramsThrough: '2026-12-07T00:00:00Z',
  tookMs: 2,
};

describe('the draft editor: per-source overrides', () => {
  let saved: unknown[];
  beforeEach(() => {
    saved = [];
    global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      if (init?.method === 'PATCH') saved.push(JSON.parse(String(init.body)));
      // Only what this spec is about answers: the rest of the editor shows its errors.
      if (init?.method === 'PATCH' || String(input).endsWith('/system'))
        return { status: 200, ok: true, json: async () => SYSTEM_INFO } as Response;
      return { status: 404, ok: false, json: async () => ({ error: 'not_found' }) } as Response;
    }) as typeof fetch;
  });

  const open = () =>
    renderWithSystem(
      <DraftEditor
        live={version(3, true)}
        draft={version(4, false)}
        range="7d"
        onRange={() => undefined}
        from={data.from}
        to={data.to}
        backtest={{ data, isError: false } as ReturnType<typeof useBacktestData>}
      />,
    );
  const row = (source: string, category: string) =>
    screen.getByTestId(`override-${source}-${category}`);
  const flagged = (source: string, category: string) =>
    row(source, category).querySelectorAll('td')[4].textContent;

  it('edits a source’s rule beside what it flags from that source, and saves it', async () => {
    open();
    // kids at 0.2 flags all 7 of its violence events; the rule for everyone (0.5) would flag 2.
    expect(flagged('kids', 'violence_and_threats')).toBe('7 → 7 ±0');
    fireEvent.change(screen.getByLabelText('kids: Violence & threats review threshold (number)'), {
      target: { value: '0.6' },
    });
    expect(flagged('kids', 'violence_and_threats')).toBe('7 → 2 −71%');
    // The category's total counts the override: forum 0 + kids 2 instead of 7.
    expect(screen.getByTestId('flagged-violence_and_threats').textContent).toBe('7 → 2 −71%');
    fireEvent.click(screen.getByLabelText('kids: Violence & threats blocks automatically'));
    fireEvent.click(screen.getByRole('button', { name: 'Save draft' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toStrictEqual({
      rules: version(4, false).rules,
      overrides: {
        kids: {
          violence_and_threats: { enabled: true, reviewThreshold: 0.6, autoActionThreshold: 0.9 },
        },
      },
    });
  });

  it('adds an override from the draft’s rule, offers only free categories, and removes one', async () => {
    open();
    const source = screen.getByLabelText('Source');
    const category = screen.getByLabelText('Category');
    const add = screen.getByRole('button', { name: 'Add an override' });
    // Sources the range saw are suggested.
    expect(
      [...document.querySelectorAll('datalist option')].map((o) => o.getAttribute('value')),
    ).toStrictEqual(['forum', 'kids']);
    fireEvent.change(source, { target: { value: 'kids' } });
    expect(
      within(category)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toStrictEqual(['Choose…', 'Personal data']);
    expect(add).toHaveProperty('disabled', true);
    fireEvent.change(source, { target: { value: '  forum ' } });
    fireEvent.change(category, { target: { value: 'pii' } });
    fireEvent.click(add);
    // It starts as the draft's rule for everyone, so it changes nothing until it is moved.
    expect(flagged('forum', 'pii')).toBe('4 → 4 ±0');
    fireEvent.change(screen.getByLabelText('forum: Personal data review threshold (number)'), {
      target: { value: '0.05' },
    });
    expect(flagged('forum', 'pii')).toBe('4 → 14 +250%');
    fireEvent.click(
      screen.getByRole('button', { name: 'Remove the override: kids: Violence & threats' }),
    );
    expect(screen.queryByTestId('override-kids-violence_and_threats')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Publish…' }));
    const diff = within(screen.getByTestId('policy-diff'))
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.textContent);
    expect(diff).toStrictEqual([
      'Personal data (source forum)enforced—yes',
      'Personal data (source forum)review at—0.05',
      'Violence & threats (source kids)enforcedyes—',
      'Violence & threats (source kids)review at0.20—',
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save draft' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toMatchObject({
      overrides: { forum: { pii: { enabled: true, reviewThreshold: 0.05 } } },
    });
  });

  it('will not add a source name longer than the api takes', () => {
    open();
    fireEvent.change(screen.getByLabelText('Source'), { target: { value: 'x'.repeat(101) } });
    fireEvent.change(screen.getByLabelText('Category'), { target: { value: 'pii' } });
    expect(screen.getByRole('button', { name: 'Add an override' })).toHaveProperty(
      'disabled',
      true,
    );
    expect(screen.getByText(/at most 100 characters/)).toBeTruthy();
  });
});
