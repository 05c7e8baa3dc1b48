import { customTarget, type CustomCategory, type JudgeTarget } from '@sieve/moderation';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { type Judge, type JudgeAnswer, JudgeAnswerError } from './judges';
import { JudgingService } from './judging.service';

const rule: CustomCategory = {
  name: 'ticket_resale',
  label: 'Ticket resale',
  definition: 'No selling tickets above face value.',
  violatingExamples: [],
  allowedExamples: [],
  severity: 'medium',
  enabled: true,
  mode: 'active',
  reviewThreshold: 0.6,
  prefilter: { keywords: ['ticket*'] },
};
const target: JudgeTarget = customTarget(rule);

/** A judge that answers from a script, counting its calls. */
class ScriptedJudge implements Judge {
  readonly kind = 'mistral' as const;
  readonly model = 'mistral-small-latest';
  calls: string[] = [];
  constructor(private readonly answer: (text: string) => JudgeAnswer) {}
  async judge(_: JudgeTarget, text: string): Promise<JudgeAnswer> {
    this.calls.push(text);
    return this.answer(text);
  }
}

const answer = (costUsd = 0.001): JudgeAnswer => ({
  judgement: {
    violates: true,
    confidence: 0.9,
    score: 0.9,
    evidence: [],
    rationale: '',
    droppedEvidence: 0,
    postAddressesModel: false,
  },
  promptTokens: 100,
  completionTokens: 20,
  costUsd,
});

/** The database as JudgingService uses it: a cache table and the day's spend. */
function fakeDb(spentToday = 0) {
  const cache = new Map<string, unknown>();
  return {
    cache,
    db: {
      query: async (sql: string, params: unknown[] = []) => {
        if (sql.includes('FROM judge_cache'))
          return (params[0] as Buffer[])
            .filter((k) => cache.has(k.toString('hex')))
            .map((key) => ({ key, judgement: cache.get(key.toString('hex')) }));
        if (sql.includes('INSERT INTO judge_cache')) {
          (params[0] as Buffer[]).forEach((k, i) =>
            cache.set(k.toString('hex'), JSON.parse((params[2] as string[])[i])),
          );
          return [];
        }
        if (sql.includes('FROM judge_spend')) return [{ cost_usd: spentToday }];
        throw new Error(`unexpected query: ${sql}`);
      },
    } as unknown as DataSource,
  };
}

const config = (overrides: Partial<AppConfig> = {}) =>
  ({
    JUDGE_DAILY_BUDGET_USD: 10,
    JUDGE_MAX_CALLS_PER_MINUTE: 1000,
    JUDGE_CONCURRENCY: 4,
    ...overrides,
  }) as AppConfig;

const service = (judge: Judge, c: AppConfig, db: DataSource) =>
  new JudgingService(c, db, judge, new MetricsService());

describe('JudgingService', () => {
  it('asks once per normalized text and rule version, then answers from the cache', async () => {
    const judge = new ScriptedJudge(() => answer());
    const { db } = fakeDb();
    const judging = service(judge, config(), db);
    const first = await judging.judgeAll([
      { target, text: 'tickets  at double' },
      { target, text: 'tickets at double' },
      { target, text: 'other tickets' },
    ]);
    expect(judge.calls).toStrictEqual(['tickets  at double', 'other tickets']);
    expect(first.spend).toMatchObject({ calls: 2, cached: 1, costUsd: 0.002 });
    const again = await judging.judgeAll([{ target, text: 'tickets at double ' }]);
    expect(judge.calls).toHaveLength(2);
    expect(again.outcomes[0]).toMatchObject({ kind: 'judged', cached: true, costUsd: 0 });
    // A reworded rule is a new question.
    await judging.judgeAll([
      {
        target: customTarget({ ...rule, definition: 'No resale above face value.' }),
        text: 'other tickets',
      },
    ]);
    expect(judge.calls).toHaveLength(3);
  });

  it('stops calling at the rate cap and says why for the rest', async () => {
    const judge = new ScriptedJudge(() => answer());
    const judging = service(
      judge,
      config({ JUDGE_MAX_CALLS_PER_MINUTE: 2, JUDGE_CONCURRENCY: 1 }),
      fakeDb().db,
    );
    const { outcomes, spend } = await judging.judgeAll(
      ['a ticket', 'b ticket', 'c ticket', 'd ticket'].map((text) => ({ target, text })),
    );
    expect(outcomes.map((o) => (o.kind === 'unjudged' ? o.reason : o.kind))).toStrictEqual([
      'judged',
      'judged',
      'rate_capped',
      'rate_capped',
    ]);
    expect(spend).toMatchObject({ calls: 2, unjudged: 2 });
  });

  it('stops calling once the day’s budget is spent, including what this pass spent', async () => {
    const judge = new ScriptedJudge(() => answer(0.4));
    const judging = service(
      judge,
      config({ JUDGE_DAILY_BUDGET_USD: 1, JUDGE_CONCURRENCY: 1 }),
      fakeDb(0.5).db,
    );
    const { outcomes } = await judging.judgeAll(
      ['a ticket', 'b ticket', 'c ticket'].map((text) => ({ target, text })),
    );
    expect(outcomes.map((o) => (o.kind === 'unjudged' ? o.reason : o.kind))).toStrictEqual([
      'judged',
      'judged',
      'budget_exhausted',
    ]);
  });

  it('tells an answer that is not a judgement from an API failure', async () => {
    const judge = new ScriptedJudge((text) => {
      if (text.startsWith('refuse'))
        throw new JudgeAnswerError('the model did not answer with JSON');
      throw new Error('503 Service Unavailable');
    });
    const { outcomes } = await service(judge, config(), fakeDb().db).judgeAll([
      { target, text: 'refuse ticket' },
      { target, text: 'down ticket' },
    ]);
    expect(outcomes).toStrictEqual([
      { kind: 'unjudged', reason: 'invalid_answer', detail: 'the model did not answer with JSON' },
      { kind: 'failed', detail: '503 Service Unavailable' },
    ]);
  });
});
