/**
 * Statements of reasons (DSA Article 17) in the shape of the Commission's Transparency Database
 * statement API. The enumerations and rules are those of its public repository
 * (digital-services-act/transparency-database: app/Models/Statement.php,
 * app/Http/Requests/StatementStoreRequest.php, EuropeanCountriesService,
 * EuropeanLanguagesService). Pure: no I/O.
 */

export const DSA_DECISION_VISIBILITIES = [
  'DECISION_VISIBILITY_CONTENT_REMOVED',
  'DECISION_VISIBILITY_CONTENT_DISABLED',
  'DECISION_VISIBILITY_CONTENT_DEMOTED',
  'DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED',
  'DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED',
  'DECISION_VISIBILITY_CONTENT_LABELLED',
  'DECISION_VISIBILITY_OTHER',
] as const;
export const DSA_DECISION_MONETARIES = [
  'DECISION_MONETARY_SUSPENSION',
  'DECISION_MONETARY_TERMINATION',
  'DECISION_MONETARY_OTHER',
] as const;
export const DSA_DECISION_PROVISIONS = [
  'DECISION_PROVISION_PARTIAL_SUSPENSION',
  'DECISION_PROVISION_TOTAL_SUSPENSION',
  'DECISION_PROVISION_PARTIAL_TERMINATION',
  'DECISION_PROVISION_TOTAL_TERMINATION',
] as const;
export const DSA_DECISION_ACCOUNTS = [
  'DECISION_ACCOUNT_SUSPENDED',
  'DECISION_ACCOUNT_TERMINATED',
] as const;
export const DSA_ACCOUNT_TYPES = ['ACCOUNT_TYPE_BUSINESS', 'ACCOUNT_TYPE_PRIVATE'] as const;
export const DSA_DECISION_GROUNDS = [
  'DECISION_GROUND_ILLEGAL_CONTENT',
  'DECISION_GROUND_INCOMPATIBLE_CONTENT',
] as const;
export const DSA_CONTENT_TYPES = [
  'CONTENT_TYPE_APP',
  'CONTENT_TYPE_AUDIO',
  'CONTENT_TYPE_IMAGE',
  'CONTENT_TYPE_PRODUCT',
  'CONTENT_TYPE_SYNTHETIC_MEDIA',
  'CONTENT_TYPE_TEXT',
  'CONTENT_TYPE_VIDEO',
  'CONTENT_TYPE_OTHER',
] as const;
export const DSA_CATEGORIES = [
  'STATEMENT_CATEGORY_ANIMAL_WELFARE',
  'STATEMENT_CATEGORY_CONSUMER_INFORMATION',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN',
  'STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS',
  'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS',
  'STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS',
  'STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE',
  'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
  'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
  'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
  'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
  'STATEMENT_CATEGORY_SELF_HARM',
  'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
  'STATEMENT_CATEGORY_VIOLENCE',
] as const;
/** `category_specification` values. */
export const DSA_KEYWORDS = [
  'KEYWORD_ADULT_SEXUAL_MATERIAL',
  'KEYWORD_AGE_SPECIFIC_RESTRICTIONS',
  'KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS',
  'KEYWORD_ANIMAL_HARM',
  'KEYWORD_BIOMETRIC_DATA_BREACH',
  'KEYWORD_BULLYING_AGAINST_GIRLS',
  'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL',
  'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE',
  'KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS',
  'KEYWORD_COORDINATED_HARM',
  'KEYWORD_COPYRIGHT_INFRINGEMENT',
  'KEYWORD_CYBER_BULLYING_INTIMIDATION',
  'KEYWORD_CYBER_HARASSMENT',
  'KEYWORD_CYBER_HARASSMENT_AGAINST_WOMEN',
  'KEYWORD_CYBER_INCITEMENT',
  'KEYWORD_CYBER_STALKING',
  'KEYWORD_CYBER_STALKING_AGAINST_WOMEN',
  'KEYWORD_DATA_FALSIFICATION',
  'KEYWORD_DEFAMATION',
  'KEYWORD_DESIGN_INFRINGEMENT',
  'KEYWORD_DISCRIMINATION',
  'KEYWORD_FEMALE_GENDERED_DISINFORMATION',
  'KEYWORD_GEOGRAPHIC_INDICATIONS_INFRINGEMENT',
  'KEYWORD_GEOGRAPHICAL_REQUIREMENTS',
  'KEYWORD_GOODS_SERVICES_NOT_PERMITTED',
  'KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS',
  'KEYWORD_HATE_SPEECH',
  'KEYWORD_HIDDEN_ADVERTISEMENT',
  'KEYWORD_HUMAN_EXPLOITATION',
  'KEYWORD_HUMAN_TRAFFICKING',
  'KEYWORD_ILLEGAL_ORGANIZATIONS',
  'KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING',
  'KEYWORD_INAUTHENTIC_ACCOUNTS',
  'KEYWORD_INAUTHENTIC_LISTINGS',
  'KEYWORD_INAUTHENTIC_USER_REVIEWS',
  'KEYWORD_INCITEMENT_AGAINST_WOMEN',
  'KEYWORD_INCITEMENT_VIOLENCE_HATRED',
  'KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS',
  'KEYWORD_LANGUAGE_REQUIREMENTS',
  'KEYWORD_MISINFORMATION_DISINFORMATION',
  'KEYWORD_MISLEADING_INFO_CONSUMER_RIGHTS',
  'KEYWORD_MISLEADING_INFO_GOODS_SERVICES',
  'KEYWORD_MISSING_PROCESSING_GROUND',
  'KEYWORD_NON_CONSENSUAL_IMAGE_SHARING',
  'KEYWORD_NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN',
  'KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE',
  'KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN',
  'KEYWORD_NONCOMPLIANCE_PRICING',
  'KEYWORD_NUDITY',
  'KEYWORD_PATENT_INFRINGEMENT',
  'KEYWORD_PHISHING',
  'KEYWORD_PROHIBITED_PRODUCTS',
  'KEYWORD_PYRAMID_SCHEMES',
  'KEYWORD_RIGHT_TO_BE_FORGOTTEN',
  'KEYWORD_RISK_ENVIRONMENTAL_DAMAGE',
  'KEYWORD_RISK_PUBLIC_HEALTH',
  'KEYWORD_SELF_MUTILATION',
  'KEYWORD_STALKING',
  'KEYWORD_SUICIDE',
  'KEYWORD_TERRORIST_CONTENT',
  'KEYWORD_TRADE_SECRET_INFRINGEMENT',
  'KEYWORD_TRADEMARK_INFRINGEMENT',
  'KEYWORD_TRAFFICKING_WOMEN_GIRLS',
  'KEYWORD_UNLAWFUL_SALE_ANIMALS',
  'KEYWORD_UNSAFE_CHALLENGES',
  'KEYWORD_UNSAFE_PRODUCTS',
  'KEYWORD_VIOLATION_EU_LAW',
  'KEYWORD_VIOLATION_NATIONAL_LAW',
  'KEYWORD_OTHER',
] as const;
export const DSA_SOURCE_TYPES = [
  'SOURCE_ARTICLE_16',
  'SOURCE_TRUSTED_FLAGGER',
  'SOURCE_TYPE_OTHER_NOTIFICATION',
  'SOURCE_VOLUNTARY',
] as const;
/** The database takes these two as values, not constant names. */
export const DSA_YES_NO = ['Yes', 'No'] as const;
export const DSA_AUTOMATED_DECISIONS = [
  'AUTOMATED_DECISION_FULLY',
  'AUTOMATED_DECISION_PARTIALLY',
  'AUTOMATED_DECISION_NOT_AUTOMATED',
] as const;
/** `territorial_scope` values: the EU and EEA countries. */
export const DSA_COUNTRIES = [
  'AT',
  'BE',
  'BG',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HR',
  'HU',
  'IE',
  'IS',
  'IT',
  'LI',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'NO',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
] as const;
/** `content_language` values: ISO 639-1, upper case. */
export const DSA_LANGUAGES = [
  'AB',
  'AA',
  'AF',
  'AK',
  'SQ',
  'AM',
  'AR',
  'AN',
  'HY',
  'AS',
  'AV',
  'AE',
  'AY',
  'AZ',
  'BM',
  'BA',
  'EU',
  'BE',
  'BN',
  'BH',
  'BI',
  'BS',
  'BR',
  'BG',
  'MY',
  'CA',
  'KM',
  'CH',
  'CE',
  'NY',
  'ZH',
  'CU',
  'CV',
  'KW',
  'CO',
  'CR',
  'HR',
  'CS',
  'DA',
  'DV',
  'NL',
  'DZ',
  'EN',
  'EO',
  'ET',
  'EE',
  'FO',
  'FJ',
  'FI',
  'FR',
  'FF',
  'GD',
  'GL',
  'LG',
  'KA',
  'DE',
  'KI',
  'EL',
  'KL',
  'GN',
  'GU',
  'HT',
  'HA',
  'HE',
  'HZ',
  'HI',
  'HO',
  'HU',
  'IS',
  'IO',
  'IG',
  'ID',
  'IA',
  'IE',
  'IU',
  'IK',
  'GA',
  'IT',
  'JA',
  'JV',
  'KN',
  'KR',
  'KS',
  'KK',
  'RW',
  'KV',
  'KG',
  'KO',
  'KJ',
  'KU',
  'KY',
  'LO',
  'LA',
  'LV',
  'LB',
  'LI',
  'LN',
  'LT',
  'LU',
  'MK',
  'MG',
  'MS',
  'ML',
  'MT',
  'GV',
  'MI',
  'MR',
  'MH',
  'RO',
  'MN',
  'NA',
  'NV',
  'ND',
  'NG',
  'NE',
  'SE',
  'NO',
  'NB',
  'NN',
  'II',
  'OC',
  'OJ',
  'OR',
  'OM',
  'OS',
  'PI',
  'PA',
  'PS',
  'FA',
  'PL',
  'PT',
  'QU',
  'RM',
  'RN',
  'RU',
  'SM',
  'SG',
  'SA',
  'SC',
  'SR',
  'SN',
  'SD',
  'SI',
  'SK',
  'SL',
  'SO',
  'ST',
  'NR',
  'ES',
  'SU',
  'SW',
  'SS',
  'SV',
  'TL',
  'TY',
  'TG',
  'TA',
  'TT',
  'TE',
  'TH',
  'BO',
  'TI',
  'TO',
  'TS',
  'TN',
  'TR',
  'TK',
  'TW',
  'UG',
  'UK',
  'UR',
  'UZ',
  'VE',
  'VI',
  'VO',
  'WA',
  'CY',
  'FY',
  'WO',
  'XH',
  'YI',
  'YO',
  'ZA',
  'ZU',
] as const;

export type DsaCategory = (typeof DSA_CATEGORIES)[number];
export type DsaKeyword = (typeof DSA_KEYWORDS)[number];
export type DsaSourceType = (typeof DSA_SOURCE_TYPES)[number];
export type DsaAutomatedDecision = (typeof DSA_AUTOMATED_DECISIONS)[number];
export type DsaDecisionVisibility = (typeof DSA_DECISION_VISIBILITIES)[number];
export type DsaDecisionAccount = (typeof DSA_DECISION_ACCOUNTS)[number];

/** A statement as the database's `POST /api/v1/statement(s)` takes it. Only the fields Sieve sets. */
export interface DsaStatement {
  decision_visibility?: DsaDecisionVisibility[];
  decision_visibility_other?: string;
  decision_account?: DsaDecisionAccount;
  account_type?: (typeof DSA_ACCOUNT_TYPES)[number];
  decision_ground: (typeof DSA_DECISION_GROUNDS)[number];
  decision_ground_reference_url?: string;
  illegal_content_legal_ground?: string;
  illegal_content_explanation?: string;
  incompatible_content_ground?: string;
  incompatible_content_explanation?: string;
  incompatible_content_illegal?: (typeof DSA_YES_NO)[number];
  content_type: (typeof DSA_CONTENT_TYPES)[number][];
  category: DsaCategory;
  category_addition?: DsaCategory[];
  category_specification?: DsaKeyword[];
  territorial_scope?: string[];
  content_language?: string;
  content_date: string;
  application_date: string;
  decision_facts: string;
  source_type: DsaSourceType;
  automated_detection: (typeof DSA_YES_NO)[number];
  automated_decision: DsaAutomatedDecision;
  puid: string;
}

/** Where a Sieve category goes in the database's taxonomy; a legal ground makes it illegal content. */
export interface DsaCategoryMapping {
  category: DsaCategory;
  specifications?: DsaKeyword[];
  /** E.g. "§ 130 StGB"; absent: a terms-of-service ground. */
  legalGround?: string;
  /** Why content of this category is illegal on that ground. */
  legalExplanation?: string;
}

/** Sieve's categories (every category set) to the database's. Installations override entries. */
export const DEFAULT_DSA_CATEGORY_MAP: Record<string, DsaCategoryMapping> = {
  sexual: {
    category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
    specifications: ['KEYWORD_ADULT_SEXUAL_MATERIAL'],
  },
  hate_and_discrimination: {
    category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
    specifications: ['KEYWORD_DISCRIMINATION'],
  },
  hate: {
    category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
    specifications: ['KEYWORD_DISCRIMINATION'],
  },
  violence_and_threats: {
    category: 'STATEMENT_CATEGORY_VIOLENCE',
    specifications: ['KEYWORD_INCITEMENT_VIOLENCE_HATRED'],
  },
  violence: { category: 'STATEMENT_CATEGORY_VIOLENCE' },
  harassment: {
    category: 'STATEMENT_CATEGORY_CYBER_VIOLENCE',
    specifications: ['KEYWORD_CYBER_HARASSMENT'],
  },
  selfharm: { category: 'STATEMENT_CATEGORY_SELF_HARM' },
  pii: { category: 'STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS' },
  dangerous: { category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY' },
  criminal: { category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY' },
  dangerous_and_criminal_content: { category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY' },
  illicit: { category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY' },
  financial: { category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD' },
};
const FALLBACK_MAPPING: DsaCategoryMapping = { category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC' };

/** How the platform words its statements: its terms, where they are, where it operates. */
export interface DsaSettings {
  categoryMap: Record<string, DsaCategoryMapping>;
  /** The terms-of-service clause relied on, e.g. "Community guidelines, section 4". */
  termsGround: string;
  termsUrl?: string;
  visibility: DsaDecisionVisibility;
  territorialScope: readonly string[];
}

/** One category that led to the decision, with the numbers behind it. */
export interface DsaDecisionCategory {
  category: string;
  label: string;
  score: number;
  threshold: number;
}

/** What Sieve knows about a restricting decision; nothing about the author. */
export interface DsaDecisionInput {
  puid: string;
  /**
   * `automatic`: the pipeline blocked it; `precedent`: Sieve removed it the way reviewers had
   * removed near-copies (`reviewerReason` says how many, how alike); `reviewer`: a person removed it.
   */
  madeBy: 'automatic' | 'precedent' | 'reviewer';
  /** Most severe first. */
  categories: DsaDecisionCategory[];
  /** When the post was created, and when the decision was taken. */
  contentDate: Date;
  decidedAt: Date;
  /** BCP 47 (`pt-BR`); the database takes the ISO 639-1 part. */
  lang: string | null;
  /** How the post came to Sieve: a user's notice (Art. 16), a trusted flagger's, or none. */
  notice: 'article_16' | 'trusted_flagger' | 'other' | null;
  model: string;
  policyVersion: number;
  reviewerReason: string | null;
  /** A stored explanation's summary, when one was checked and kept. */
  explanationSummary: string | null;
}

const SOURCE_FOR_NOTICE: Record<NonNullable<DsaDecisionInput['notice']>, DsaSourceType> = {
  article_16: 'SOURCE_ARTICLE_16',
  trusted_flagger: 'SOURCE_TRUSTED_FLAGGER',
  other: 'SOURCE_TYPE_OTHER_NOTIFICATION',
};

const day = (d: Date) => d.toISOString().slice(0, 10);
const cut = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;
const percent = (x: number) => `${Math.round(x * 100)}%`;

/**
 * The statement of reasons for a decision that restricts a post. `decision_facts` is a draft
 * from the scorer's evidence, the policy, the reviewer's reason and the explanation — never the
 * post's text or the author (no personal data); a reviewer may rewrite it before it is final.
 */
export function buildDsaStatement(input: DsaDecisionInput, settings: DsaSettings): DsaStatement {
  const mappings = input.categories.map(
    (c) => settings.categoryMap[c.category] ?? FALLBACK_MAPPING,
  );
  const main = mappings[0] ?? FALLBACK_MAPPING;
  const additional = [...new Set(mappings.slice(1).map((m) => m.category))].filter(
    (c) => c !== main.category,
  );
  const keywords = [...new Set(mappings.flatMap((m) => m.specifications ?? []))];
  const labels = input.categories.map((c) => c.label);
  const language = input.lang?.split('-')[0].toUpperCase();

  const statement: DsaStatement = {
    decision_visibility: [settings.visibility],
    decision_ground: main.legalGround
      ? 'DECISION_GROUND_ILLEGAL_CONTENT'
      : 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
    content_type: ['CONTENT_TYPE_TEXT'],
    category: main.category,
    content_date: day(input.contentDate),
    application_date: day(input.decidedAt),
    decision_facts: cut(decisionFacts(input), 5000),
    source_type: input.notice ? SOURCE_FOR_NOTICE[input.notice] : 'SOURCE_VOLUNTARY',
    ...automation(input),
    puid: input.puid,
  };
  if (settings.visibility === 'DECISION_VISIBILITY_OTHER') {
    statement.decision_visibility_other = 'Restricted under the platform terms';
  }
  if (main.legalGround) {
    statement.illegal_content_legal_ground = cut(main.legalGround, 500);
    statement.illegal_content_explanation = cut(
      main.legalExplanation ?? `Content of this kind (${labels[0]}) is illegal on that ground.`,
      2000,
    );
  } else {
    statement.incompatible_content_ground = cut(settings.termsGround, 500);
    statement.incompatible_content_explanation = cut(
      `The post was found to contain ${labels.join(', ').toLowerCase()}, which the terms do not allow.`,
      2000,
    );
    statement.incompatible_content_illegal = 'No';
  }
  if (settings.termsUrl) statement.decision_ground_reference_url = settings.termsUrl;
  if (additional.length > 0) statement.category_addition = additional;
  if (keywords.length > 0) statement.category_specification = keywords;
  if (settings.territorialScope.length > 0)
    statement.territorial_scope = [...settings.territorialScope];
  if (language && (DSA_LANGUAGES as readonly string[]).includes(language))
    statement.content_language = language;
  return statement;
}

/**
 * Without a notice, Sieve's scorer found the post (detection automated); a person deciding on
 * that is partial automation. A post reported in a notice and decided by a person involved no
 * automated means in either; the pipeline's own block is fully automated whatever brought it.
 */
function automation(
  input: DsaDecisionInput,
): Pick<DsaStatement, 'automated_detection' | 'automated_decision'> {
  if (input.madeBy !== 'reviewer') {
    return {
      automated_detection: input.notice ? 'No' : 'Yes',
      automated_decision: 'AUTOMATED_DECISION_FULLY',
    };
  }
  return input.notice
    ? { automated_detection: 'No', automated_decision: 'AUTOMATED_DECISION_NOT_AUTOMATED' }
    : { automated_detection: 'Yes', automated_decision: 'AUTOMATED_DECISION_PARTIALLY' };
}

function decisionFacts(input: DsaDecisionInput): string {
  const evidence = input.categories
    .map(
      (c) => `${c.label} scored ${percent(c.score)} against a threshold of ${percent(c.threshold)}`,
    )
    .join('; ');
  const parts = [
    `Automated moderation (${input.model}, policy version ${input.policyVersion}) assessed the post: ${evidence}.`,
  ];
  if (input.notice) parts.unshift('The post was reported to the platform in a notice.');
  parts.push(
    input.madeBy === 'automatic'
      ? 'The score was at or above the level at which the policy restricts posts without human review.'
      : input.madeBy === 'precedent'
        ? `The post was removed without human review, as the policy provides for near-copies of removed posts (${input.reviewerReason ?? 'by precedent'}).`
        : `A human reviewer examined the post and removed it (reason: ${input.reviewerReason ?? 'not given'}).`,
  );
  if (input.explanationSummary) parts.push(`Assessment: ${input.explanationSummary}`);
  return parts.join(' ');
}
