#!/usr/bin/env node
// Runs as a program (`npm start` with SIEVE_FAKE_TDB=true, and the integration specs through
// fake-transparency-database.ts): prints `FAKE_TDB_READY {"url", "token"}` once it listens.
// Control routes for tests, outside the real API: GET /__fake/statements, GET /__fake/calls,
// POST /__fake/config {"failureRate": 0.05}.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
/*
 * A faithful fake of the DSA Transparency Database's statement API, written from its public
 * repository (digital-services-act/transparency-database): the rules of
 * app/Http/Requests/StatementStoreRequest.php and GroupedSubmissionsService, the enumerations
 * of app/Models/Statement.php, and StatementMultipleAPIController's behaviour — 1 to 100
 * statements per call, the whole call refused with 422 when any statement is invalid
 * (`errors.statement_<i>`) or any puid exists already or repeats in the call
 * (`errors.existing_puids`), 201 with the stored statements otherwise. It shares no code with
 * Sieve's builder on purpose.
 */
const VISIBILITIES = [
  'DECISION_VISIBILITY_CONTENT_REMOVED',
  'DECISION_VISIBILITY_CONTENT_DISABLED',
  'DECISION_VISIBILITY_CONTENT_DEMOTED',
  'DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED',
  'DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED',
  'DECISION_VISIBILITY_CONTENT_LABELLED',
  'DECISION_VISIBILITY_OTHER',
];
const MONETARIES = [
  'DECISION_MONETARY_SUSPENSION',
  'DECISION_MONETARY_TERMINATION',
  'DECISION_MONETARY_OTHER',
];
const PROVISIONS = [
  'DECISION_PROVISION_PARTIAL_SUSPENSION',
  'DECISION_PROVISION_TOTAL_SUSPENSION',
  'DECISION_PROVISION_PARTIAL_TERMINATION',
  'DECISION_PROVISION_TOTAL_TERMINATION',
];
const ACCOUNTS = ['DECISION_ACCOUNT_SUSPENDED', 'DECISION_ACCOUNT_TERMINATED'];
const ACCOUNT_TYPES = ['ACCOUNT_TYPE_BUSINESS', 'ACCOUNT_TYPE_PRIVATE'];
const GROUNDS = ['DECISION_GROUND_ILLEGAL_CONTENT', 'DECISION_GROUND_INCOMPATIBLE_CONTENT'];
const CONTENT_TYPES = [
  'CONTENT_TYPE_APP',
  'CONTENT_TYPE_AUDIO',
  'CONTENT_TYPE_IMAGE',
  'CONTENT_TYPE_PRODUCT',
  'CONTENT_TYPE_SYNTHETIC_MEDIA',
  'CONTENT_TYPE_TEXT',
  'CONTENT_TYPE_VIDEO',
  'CONTENT_TYPE_OTHER',
];
const CATEGORIES = [
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
];
const SOURCE_TYPES = [
  'SOURCE_ARTICLE_16',
  'SOURCE_TRUSTED_FLAGGER',
  'SOURCE_TYPE_OTHER_NOTIFICATION',
  'SOURCE_VOLUNTARY',
];
const AUTOMATED_DECISIONS = [
  'AUTOMATED_DECISION_FULLY',
  'AUTOMATED_DECISION_PARTIALLY',
  'AUTOMATED_DECISION_NOT_AUTOMATED',
];
const YES_NO = ['Yes', 'No'];
const COUNTRIES = [
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
];
const KEYWORDS = [
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
];
const LANGUAGES = [
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
];
function validate(s) {
  const errors = {};
  const fail = (field, message) => (errors[field] ??= []).push(message);
  const present = (field) => s[field] !== undefined && s[field] !== null && s[field] !== '';
  const inList = (field, list) => {
    if (present(field) && !list.includes(s[field]))
      fail(field, `The selected ${field} is invalid.`);
  };
  const arrayIn = (field, list) => {
    if (!present(field)) return;
    const value = s[field];
    if (!Array.isArray(value)) return fail(field, `The ${field} field must be an array.`);
    for (const v of value)
      if (!list.includes(v)) return fail(field, `The selected ${field} is invalid.`);
  };
  const max = (field, n) => {
    if (present(field) && String(s[field]).length > n)
      fail(field, `The ${field} field must not be greater than ${n} characters.`);
  };
  const required = (field) => {
    if (!present(field) || (Array.isArray(s[field]) && s[field].length === 0))
      fail(field, `The ${field} field is required.`);
  };
  const date = (field, from, to) => {
    if (!present(field)) return;
    const v = String(s[field]);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v)))
      return fail(field, `The ${field} does not match the format YYYY-MM-DD.`);
    if (v < from || v > to)
      fail(field, `The ${field} field must be a date between ${from} and ${to}.`);
  };
  arrayIn('decision_visibility', VISIBILITIES);
  if (
    !['decision_visibility', 'decision_monetary', 'decision_provision', 'decision_account'].some(
      (f) => present(f) && !(Array.isArray(s[f]) && s[f].length === 0),
    )
  )
    fail(
      'decision_visibility',
      'The decision visibility field is required when none of decision monetary / decision provision / decision account are present.',
    );
  if (
    Array.isArray(s['decision_visibility']) &&
    s['decision_visibility'].includes('DECISION_VISIBILITY_OTHER')
  )
    required('decision_visibility_other');
  max('decision_visibility_other', 500);
  inList('decision_monetary', MONETARIES);
  if (s['decision_monetary'] === 'DECISION_MONETARY_OTHER') required('decision_monetary_other');
  max('decision_monetary_other', 500);
  inList('decision_provision', PROVISIONS);
  inList('decision_account', ACCOUNTS);
  inList('account_type', ACCOUNT_TYPES);
  arrayIn('category_specification', KEYWORDS);
  max('category_specification_other', 500);
  required('decision_ground');
  inList('decision_ground', GROUNDS);
  if (
    present('decision_ground_reference_url') &&
    !/^https?:\/\/\S+$/.test(String(s['decision_ground_reference_url']))
  )
    fail(
      'decision_ground_reference_url',
      'The decision ground reference url field must be a valid URL.',
    );
  max('decision_ground_reference_url', 500);
  if (s['decision_ground'] === 'DECISION_GROUND_ILLEGAL_CONTENT') {
    required('illegal_content_legal_ground');
    required('illegal_content_explanation');
  }
  max('illegal_content_legal_ground', 500);
  max('illegal_content_explanation', 2000);
  if (s['decision_ground'] === 'DECISION_GROUND_INCOMPATIBLE_CONTENT') {
    required('incompatible_content_ground');
    required('incompatible_content_explanation');
    inList('incompatible_content_illegal', YES_NO);
  }
  max('incompatible_content_ground', 500);
  max('incompatible_content_explanation', 2000);
  required('content_type');
  arrayIn('content_type', CONTENT_TYPES);
  if (Array.isArray(s['content_type']) && s['content_type'].includes('CONTENT_TYPE_OTHER'))
    required('content_type_other');
  required('category');
  inList('category', CATEGORIES);
  arrayIn('category_addition', CATEGORIES);
  arrayIn('territorial_scope', COUNTRIES);
  inList('content_language', LANGUAGES);
  required('content_date');
  date('content_date', '2000-01-01', '2038-01-01');
  required('application_date');
  date('application_date', '2020-01-01', '2038-01-01');
  required('decision_facts');
  max('decision_facts', 5000);
  required('source_type');
  inList('source_type', SOURCE_TYPES);
  required('automated_detection');
  inList('automated_detection', YES_NO);
  required('automated_decision');
  inList('automated_decision', AUTOMATED_DECISIONS);
  required('puid');
  max('puid', 500);
  if (present('puid') && !/^[a-zA-Z0-9-_]+$/.test(String(s['puid'])))
    fail('puid', 'The puid format is invalid.');
  return errors;
}
/** mulberry32: the same failures on every run, so a test that injects them is deterministic. */
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export async function startFakeTransparencyDatabase(options = {}) {
  const random = seededRandom(options.seed ?? 1);
  const token = options.token ?? `tdb-${randomUUID()}`;
  const fake = {
    token,
    stored: new Map(),
    calls: [],
    failureRate: options.failureRate ?? 0,
  };
  const server = createServer((req, res) => void handle(req, res));
  async function handle(req, res) {
    const answer = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return status;
    };
    if (req.url?.startsWith('/__fake/')) return controlRoutes(fake, req, answer);
    if (req.headers.authorization !== `Bearer ${token}`)
      return answer(401, { message: 'Unauthenticated.' });
    if (req.method === 'GET' && req.url?.startsWith('/api/v1/statement/existing-puid/')) {
      const puid = decodeURIComponent(req.url.split('/').pop() ?? '');
      return fake.stored.has(puid)
        ? answer(302, { message: 'statement of reason found', puid })
        : answer(404, { message: 'statement of reason not found', puid });
    }
    if (req.method !== 'POST' || req.url !== '/api/v1/statements')
      return answer(404, { message: 'Not Found' });
    const body = await readJson(req);
    const statements = body?.statements;
    const record = (status) =>
      fake.calls.push({ size: Array.isArray(statements) ? statements.length : 0, status });
    // A transient failure before the statements are stored (a 429 or a 500), or after: stored,
    // but the answer is lost — the client's retry then meets its own puids.
    const failure = random() < fake.failureRate ? (random() < 0.5 ? 'before' : 'after') : null;
    if (failure === 'before') {
      const status = random() < 0.5 ? 500 : 429;
      record(status);
      return answer(status, {
        message: status === 429 ? 'Limit Reached. Please do not overload the API' : 'Server Error',
      });
    }
    if (!Array.isArray(statements) || statements.length < 1 || statements.length > 100) {
      record(422);
      return answer(422, {
        message: 'The statements field must have between 1 and 100 items.',
        errors: { statements: ['The statements field must have between 1 and 100 items.'] },
      });
    }
    const errors = {};
    statements.forEach((s, i) => {
      const e = validate(s);
      if (Object.keys(e).length > 0) errors[`statement_${i}`] = e;
    });
    if (Object.keys(errors).length > 0) {
      record(422);
      return answer(422, { errors });
    }
    const puids = statements.map((s) => String(s['puid']));
    const duplicates = puids.filter((p, i) => fake.stored.has(p) || puids.indexOf(p) !== i);
    if (duplicates.length > 0) {
      record(422);
      const message = 'The platform identifier(s) are not all unique within this call.';
      return answer(422, {
        message,
        errors: { puid: [message], existing_puids: [...new Set(duplicates)] },
      });
    }
    const out = statements.map((s) => {
      const stored = { ...s, uuid: randomUUID() };
      fake.stored.set(String(stored['puid']), stored);
      return stored;
    });
    if (failure === 'after') {
      record(500);
      return answer(500, { message: 'Server Error' });
    }
    record(201);
    return answer(201, { statements: out });
  }
  await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address();
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
/** Test-only state and settings; the real database has nothing like it. */
async function controlRoutes(fake, req, answer) {
  if (req.method === 'GET' && req.url === '/__fake/statements')
    return answer(200, [...fake.stored.values()]);
  if (req.method === 'GET' && req.url === '/__fake/calls') return answer(200, fake.calls);
  if (req.method === 'POST' && req.url === '/__fake/config') {
    const body = await readJson(req);
    if (typeof body?.failureRate === 'number') fake.failureRate = body.failureRate;
    return answer(204, null);
  }
  return answer(404, { message: 'Not Found' });
}
function readJson(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(null);
      }
    });
  });
}

// As a program: --port (0: any), --token, --failure-rate, --seed.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const fake = await startFakeTransparencyDatabase({
    port: Number(arg('port') ?? 0),
    token: arg('token'),
    failureRate: Number(arg('failure-rate') ?? 0),
    seed: Number(arg('seed') ?? 1),
  });
  console.log(`FAKE_TDB_READY ${JSON.stringify({ url: fake.url, token: fake.token })}`);
  const stop = () => void fake.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
