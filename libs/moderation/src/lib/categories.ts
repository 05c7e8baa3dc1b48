/**
 * Category sets are data: each moderation model returns its own set of category names,
 * so nothing else in Sieve hard-codes them. Pick a set by id, or pass your own.
 */
export interface CategoryDefinition {
  /** The key the scorer returns, e.g. `hate_and_discrimination`. */
  name: string;
  label: string;
  description: string;
  /** Content a reviewer may prefer to see blurred until revealed. */
  sensitive: boolean;
}

export interface CategorySet {
  id: string;
  description: string;
  categories: CategoryDefinition[];
}

const c = (
  name: string,
  label: string,
  description: string,
  sensitive = false,
): CategoryDefinition => ({ name, label, description, sensitive });

const SHARED = {
  sexual: c(
    'sexual',
    'Sexual',
    'Sexually explicit material or sexual content involving minors.',
    true,
  ),
  hate: c(
    'hate_and_discrimination',
    'Hate & discrimination',
    'Attacks or demeaning content aimed at people for a protected characteristic.',
    true,
  ),
  violence: c(
    'violence_and_threats',
    'Violence & threats',
    'Threats, incitement or glorification of violence against people or groups.',
    true,
  ),
  selfharm: c(
    'selfharm',
    'Self-harm',
    'Encouragement, instructions or intent of self-harm or suicide.',
    true,
  ),
  health: c(
    'health',
    'Health advice',
    'Medical advice or diagnoses a qualified professional should give.',
  ),
  financial: c('financial', 'Financial advice', 'Personalised investment or financial advice.'),
  law: c('law', 'Legal advice', 'Personalised legal advice.'),
  pii: c(
    'pii',
    'Personal data',
    'Personally identifying information: e-mail addresses, phone numbers, card or bank numbers, addresses.',
  ),
};

/** `mistral-moderation-2603` ("Moderation 2"): the current default. */
export const MISTRAL_MODERATION_2603: CategorySet = {
  id: 'mistral-moderation-2603',
  description: 'Mistral Moderation 2 (11 categories)',
  categories: [
    SHARED.sexual,
    SHARED.hate,
    SHARED.violence,
    c(
      'dangerous',
      'Dangerous',
      'Instructions or promotion of weapons, explosives or other means of mass harm.',
      true,
    ),
    c(
      'criminal',
      'Criminal',
      'Help with or promotion of crimes such as fraud, theft or trafficking.',
    ),
    SHARED.selfharm,
    SHARED.health,
    SHARED.financial,
    SHARED.law,
    SHARED.pii,
    c(
      'jailbreaking',
      'Jailbreaking',
      'Attempts to make an AI system ignore its instructions or safety rules.',
    ),
  ],
};

/** `mistral-moderation-2411` (retired 2026-06-30): 9 categories. */
export const MISTRAL_MODERATION_2411: CategorySet = {
  id: 'mistral-moderation-2411',
  description: 'Mistral Moderation (2411, 9 categories)',
  categories: [
    SHARED.sexual,
    SHARED.hate,
    SHARED.violence,
    c(
      'dangerous_and_criminal_content',
      'Dangerous & criminal',
      'Instructions or promotion of weapons, crimes or other means of harm.',
      true,
    ),
    SHARED.selfharm,
    SHARED.health,
    SHARED.financial,
    SHARED.law,
    SHARED.pii,
  ],
};

/** OpenAI-style names, for platforms whose existing tooling speaks them. */
export const OPENAI_STYLE: CategorySet = {
  id: 'openai-style',
  description: 'OpenAI-style category names',
  categories: [
    c('sexual', 'Sexual', 'Sexually explicit content.', true),
    c('sexual/minors', 'Sexual (minors)', 'Sexual content involving minors.', true),
    c('hate', 'Hate', 'Hateful content about a protected group.', true),
    c(
      'hate/threatening',
      'Hate (threatening)',
      'Hateful content that also threatens violence.',
      true,
    ),
    c('harassment', 'Harassment', 'Harassing language towards a person.', true),
    c('self-harm', 'Self-harm', 'Content that promotes or depicts self-harm.', true),
    c('self-harm/intent', 'Self-harm (intent)', 'The speaker expresses intent to self-harm.', true),
    c('violence', 'Violence', 'Content that depicts or threatens violence.', true),
    c('illicit', 'Illicit', 'Advice or instructions for wrongdoing.'),
  ],
};

export const CATEGORY_SETS: Record<string, CategorySet> = {
  [MISTRAL_MODERATION_2603.id]: MISTRAL_MODERATION_2603,
  [MISTRAL_MODERATION_2411.id]: MISTRAL_MODERATION_2411,
  [OPENAI_STYLE.id]: OPENAI_STYLE,
};

export const DEFAULT_CATEGORY_SET = MISTRAL_MODERATION_2603;

export function categorySetById(id: string): CategorySet {
  const set = CATEGORY_SETS[id];
  if (!set) {
    throw new Error(
      `Unknown category set "${id}". Known sets: ${Object.keys(CATEGORY_SETS).join(', ')}`,
    );
  }
  return set;
}

/** Per-category scores in [0, 1], keyed by category name. An open record: models differ. */
export type CategoryScores = Record<string, number>;

/**
 * Significant digits a score is kept to: what PostgreSQL's `real` (float4) stores and gives back
 * unchanged (FLT_DIG). Finer differences are below any model's resolution.
 */
export const SCORE_SIGNIFICANT_DIGITS = 6;

/** One score at stored precision; magnitudes below `real`'s normal range are 0. */
export const roundScore = (score: number): number =>
  Math.abs(score) < 1e-30 ? 0 : Number(score.toPrecision(SCORE_SIGNIFICANT_DIGITS));

/**
 * Scores as they are stored. A scorer's scores are rounded to this before a policy decides on
 * them, so a stored event replays (backtests, rescoring) to the decision it got.
 */
export function atStoredPrecision(scores: CategoryScores): CategoryScores {
  const rounded: CategoryScores = {};
  for (const name in scores) rounded[name] = roundScore(scores[name]);
  return rounded;
}
