import request from 'supertest';
import { startTestStack } from '../../test/test-stack';

describe('transparency report', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  it('counts decisions by period, category, action and automation, and appeals with outcomes; CSV and JSON', async () => {
    const first = await stack.signIn('reviewer');
    const second = await stack.signIn('reviewer');
    const decide = (flagId: string, action: string, reason: string) =>
      first.agent
        .post(`/api/flags/${flagId}/decision`)
        .set('x-csrf-token', first.csrfToken)
        .send({ action, reason })
        .expect(201);
    // Two automatic blocks (one later reviewed), three flagged for review and decided.
    await stack.seedFlag('I will hurt you', 'block');
    const reviewedBlock = await stack.seedFlag('I will hurt you again', 'block');
    const removed = await stack.seedFlag('threat one');
    const approved = await stack.seedFlag('threat two');
    const escalated = await stack.seedFlag('threat three');
    await decide(reviewedBlock.id, 'remove', 'Threat of violence');
    await decide(removed.id, 'remove', 'Threat of violence');
    await decide(approved.id, 'approve', 'Not harmful');
    await decide(escalated.id, 'escalate', 'Legal risk');
    // An appeal on the removal, overturned by another reviewer.
    const admin = await stack.signIn('admin');
    const token = (
      await admin.agent
        .post('/api/tokens')
        .set('x-csrf-token', admin.csrfToken)
        .send({ name: 'platform', role: 'reviewer' })
        .expect(201)
    ).body.token as string;
    const appeal = await request(stack.app.getHttpServer())
      .post('/api/appeals')
      .set('authorization', `Bearer ${token}`)
      .send({ appealId: 'ap-t', source: 'seed', eventId: removed.eventId, statement: 'not me' })
      .expect(201);
    await second.agent
      .post(`/api/appeals/${appeal.body.id}/decision`)
      .set('x-csrf-token', second.csrfToken)
      .send({ outcome: 'overturned', reason: 'Wrong author' })
      .expect(200);

    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const viewer = await stack.signIn('viewer');
    const report = (
      await viewer.agent
        .get(`/api/reports/transparency?from=${from}&to=${to}&period=month`)
        .expect(200)
    ).body;
    const month = new Date().toISOString().slice(0, 7) + '-01';
    expect(report.rows).toStrictEqual(
      expect.arrayContaining([
        {
          period: month,
          category: 'violence_and_threats',
          action: 'block',
          automation: 'automatic',
          decisions: 1,
        },
        {
          period: month,
          category: 'violence_and_threats',
          action: 'remove',
          automation: 'partly',
          decisions: 2,
        },
        {
          period: month,
          category: 'violence_and_threats',
          action: 'approve',
          automation: 'partly',
          decisions: 1,
        },
        {
          period: month,
          category: 'violence_and_threats',
          action: 'escalate',
          automation: 'partly',
          decisions: 1,
        },
        {
          period: month,
          category: 'violence_and_threats',
          action: 'appeal_overturned',
          automation: 'human',
          decisions: 1,
        },
      ]),
    );
    expect(report.rows).toHaveLength(5);
    expect(report.totals).toStrictEqual({
      decisions: 6,
      byAutomation: { automatic: 1, partly: 4, human: 1 },
      appeals: 1,
      overturned: 1,
      erasures: 0,
    });
    expect(report.appeals).toStrictEqual([
      { period: month, received: 1, upheld: 0, overturned: 1, open: 0 },
    ]);

    // The same as a CSV download, decisions then appeals.
    const csv = await viewer.agent
      .get(`/api/reports/transparency?from=${from}&to=${to}&period=day&format=csv`)
      .expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="transparency-/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('period,kind,category,action,automation,count');
    const today = new Date().toISOString().slice(0, 10);
    expect(lines).toContain(`${today},decision,violence_and_threats,remove,partly,2`);
    expect(lines).toContain(`${today},appeal,,overturned,human,1`);

    // Bad ranges are refused with the field named.
    const refused = await viewer.agent
      .get(`/api/reports/transparency?from=${to}&to=${from}`)
      .expect(400);
    expect(refused.body.details[0].field).toBe('from');
    await viewer.agent.get(`/api/reports/transparency?from=nope&to=${to}`).expect(400);
  });
});
