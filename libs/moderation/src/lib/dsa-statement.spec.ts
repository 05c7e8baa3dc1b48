import {
  buildDsaStatement,
  DEFAULT_DSA_CATEGORY_MAP,
  DSA_COUNTRIES,
  type DsaDecisionInput,
  type DsaSettings,
} from './dsa-statement';

const settings: DsaSettings = {
  categoryMap: DEFAULT_DSA_CATEGORY_MAP,
  termsGround: 'Community guidelines, section 4',
  termsUrl: 'https://forum.example/terms',
  visibility: 'DECISION_VISIBILITY_CONTENT_REMOVED',
  territorialScope: DSA_COUNTRIES,
};

const base: DsaDecisionInput = {
  puid: 'sieve-a-1',
  madeBy: 'automatic',
  categories: [
    { category: 'violence_and_threats', label: 'Violence & threats', score: 0.97, threshold: 0.9 },
    { category: 'pii', label: 'Personal data', score: 0.8, threshold: 0.5 },
  ],
  contentDate: new Date('2026-11-30T23:59:00+01:00'),
  decidedAt: new Date('2026-12-01T10:00:00Z'),
  lang: 'pt-BR',
  notice: null,
  model: 'mistral-moderation-2603',
  policyVersion: 4,
  reviewerReason: null,
  explanationSummary: null,
};

describe('buildDsaStatement', () => {
  it('states an automatic block: fully automated, terms ground, mapped categories, no personal data', () => {
    const s = buildDsaStatement(base, settings);
    expect(s).toMatchObject({
      decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
      decision_ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
      incompatible_content_ground: 'Community guidelines, section 4',
      incompatible_content_illegal: 'No',
      decision_ground_reference_url: 'https://forum.example/terms',
      content_type: ['CONTENT_TYPE_TEXT'],
      category: 'STATEMENT_CATEGORY_VIOLENCE',
      category_addition: ['STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS'],
      category_specification: ['KEYWORD_INCITEMENT_VIOLENCE_HATRED'],
      content_language: 'PT',
      content_date: '2026-11-30',
      application_date: '2026-12-01',
      source_type: 'SOURCE_VOLUNTARY',
      automated_detection: 'Yes',
      automated_decision: 'AUTOMATED_DECISION_FULLY',
      puid: 'sieve-a-1',
    });
    expect(s.territorial_scope).toHaveLength(30);
    expect(s.decision_facts).toBe(
      'Automated moderation (mistral-moderation-2603, policy version 4) assessed the post: Violence & threats scored 97% against a threshold of 90%; Personal data scored 80% against a threshold of 50%. The score was at or above the level at which the policy restricts posts without human review.',
    );
  });

  it('states a reviewer removal as partially automated, and one on a notice as not automated', () => {
    const reviewer = buildDsaStatement(
      { ...base, madeBy: 'reviewer', reviewerReason: 'Threat of violence' },
      settings,
    );
    expect(reviewer).toMatchObject({
      automated_detection: 'Yes',
      automated_decision: 'AUTOMATED_DECISION_PARTIALLY',
      source_type: 'SOURCE_VOLUNTARY',
    });
    expect(reviewer.decision_facts).toContain(
      'A human reviewer examined the post and removed it (reason: Threat of violence).',
    );
    const noticed = buildDsaStatement(
      { ...base, madeBy: 'reviewer', notice: 'article_16', reviewerReason: 'Threat of violence' },
      settings,
    );
    expect(noticed).toMatchObject({
      source_type: 'SOURCE_ARTICLE_16',
      automated_detection: 'No',
      automated_decision: 'AUTOMATED_DECISION_NOT_AUTOMATED',
    });
  });

  it('states a removal by precedent as fully automated, with the precedent as its facts', () => {
    const reason = 'By precedent: reviewers removed 4 posts at least 93% alike';
    const s = buildDsaStatement({ ...base, madeBy: 'precedent', reviewerReason: reason }, settings);
    expect(s).toMatchObject({
      automated_detection: 'Yes',
      automated_decision: 'AUTOMATED_DECISION_FULLY',
    });
    expect(s.decision_facts).toContain(
      `The post was removed without human review, as the policy provides for near-copies of removed posts (${reason}).`,
    );
    expect(s.decision_facts).not.toContain('human reviewer examined');
  });

  it('uses a legal ground where the category is mapped to one, and leaves out unknown languages', () => {
    const s = buildDsaStatement(
      { ...base, lang: 'xx' },
      {
        ...settings,
        categoryMap: {
          ...DEFAULT_DSA_CATEGORY_MAP,
          violence_and_threats: {
            category: 'STATEMENT_CATEGORY_VIOLENCE',
            legalGround: '§ 241 StGB',
            legalExplanation: 'Threatening a person with a crime is an offence.',
          },
        },
      },
    );
    expect(s).toMatchObject({
      decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
      illegal_content_legal_ground: '§ 241 StGB',
      illegal_content_explanation: 'Threatening a person with a crime is an offence.',
    });
    expect(s).not.toHaveProperty('incompatible_content_ground');
    expect(s).not.toHaveProperty('content_language');
  });
});
