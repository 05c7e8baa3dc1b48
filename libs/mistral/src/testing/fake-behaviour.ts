/**
 * Deterministic, content-dependent answers for the fake server: the same input always gives
 * the same output, and harmful text scores high in the right category.
 */

export const MODERATION_CATEGORIES: Record<string, string[]> = {
  'mistral-moderation-2411': [
    'sexual',
    'hate_and_discrimination',
    'violence_and_threats',
    'dangerous_and_criminal_content',
    'selfharm',
    'health',
    'financial',
    'law',
    'pii',
  ],
  'mistral-moderation-2603': [
    'sexual',
    'hate_and_discrimination',
    'violence_and_threats',
    'dangerous',
    'criminal',
    'selfharm',
    'health',
    'financial',
    'law',
    'pii',
    'jailbreaking',
  ],
};

/** Which category set a model answers with; `-latest` and unknown ids get the newest. */
export function categoriesFor(model: string): string[] {
  return MODERATION_CATEGORIES[model] ?? MODERATION_CATEGORIES['mistral-moderation-2603'];
}

const RULES: [string, RegExp, number][] = (
  [
    ['sexual', /\b(porn|nude|nsfw|sex)/],
    ['hate_and_discrimination', /\b(subhuman|vermin|inferior race|go back to your country)/],
    ['violence_and_threats', /\b(kill|murder|stab|shoot|hurt you|tuer|matar)/],
    ['dangerous', /\b(bomb|explosive|nerve agent|weapon)/],
    ['criminal', /\b(stolen|launder|cocaine|heroin|counterfeit)/],
    ['selfharm', /\b(want to die|kill myself|suicide|end my life)/],
    ['health', /\b(medication|diagnos|cure|dosage)/],
    ['financial', /\b(invest|stock|crypto|guaranteed return)/],
    ['law', /\b(sue|lawsuit|lawyer|legal advice)/],
    ['pii', /[\w.+-]+@[\w-]+\.\w+|\+?\d[\d .-]{8,}\d/],
    ['jailbreaking', /\b(ignore (all )?previous instructions|system prompt|jailbreak)/],
  ] as const
).map(([category, pattern]) => [category, pattern, hash(category)]);

/** FNV-1a: a stable 32-bit hash. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function moderationScores(text: string, model: string): Record<string, number> {
  const lower = text.toLowerCase();
  const textHash = hash(text); // one pass over the text: benchmarks send it millions
  const raw: Record<string, number> = {};
  for (const [category, pattern, categoryHash] of RULES) {
    const mixed = Math.imul(textHash ^ categoryHash, 0x9e3779b1) >>> 0;
    const noise = (mixed % 400) / 10_000; // 0–0.04, stable per text and category
    raw[category] = pattern.test(lower) ? 0.9 + noise * 2 : noise;
  }
  raw['dangerous_and_criminal_content'] = Math.max(raw['dangerous'], raw['criminal']);
  return Object.fromEntries(categoriesFor(model).map((c) => [c, Math.round(raw[c] * 1e6) / 1e6]));
}

/**
 * A unit-length bag-of-words vector: texts that share words are close. Dense like a real model's
 * (every word spreads over every dimension, a pseudo-random ±1 direction seeded by its hash), so
 * it weighs what real embeddings weigh: 1,024 significant floats to send, parse and index.
 */
export function embedText(text: string, dimensions = 1024): Float32Array {
  const vector = new Float32Array(dimensions);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words.length ? words : [text]) {
    const direction = wordDirection(word, dimensions);
    for (let i = 0; i < dimensions; i++) vector[i] += direction[i];
  }
  let norm = 0;
  for (let i = 0; i < dimensions; i++) norm += vector[i] * vector[i];
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < dimensions; i++) vector[i] *= scale;
  return vector;
}

/** Directions already drawn, by dimensions and word (the fake embeds millions of templated posts). */
const directions = new Map<string, Int8Array>();

function wordDirection(word: string, dimensions: number): Int8Array {
  const key = `${dimensions} ${word}`;
  let direction = directions.get(key);
  if (!direction) {
    direction = new Int8Array(dimensions);
    let state = hash(word) || 1; // xorshift32
    for (let i = 0; i < dimensions; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      direction[i] = state & 1 ? 1 : -1;
    }
    if (directions.size >= 20_000) directions.clear();
    directions.set(key, direction);
  }
  return direction;
}

export const estimateTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

type Schema = Record<string, unknown>;

/** A value that satisfies a (simple) JSON schema: objects, arrays, enums, strings, numbers. */
export function sampleFromSchema(schema: Schema, seed: string): unknown {
  if (Array.isArray(schema['enum'])) return schema['enum'][hash(seed) % schema['enum'].length];
  if ('const' in schema) return schema['const'];
  const anyOf = (schema['anyOf'] ?? schema['oneOf']) as Schema[] | undefined;
  if (anyOf?.length) return sampleFromSchema(anyOf[0], seed);
  const type = Array.isArray(schema['type']) ? schema['type'][0] : schema['type'];
  switch (type) {
    case 'object': {
      const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
      return Object.fromEntries(
        Object.entries(properties).map(([k, s]) => [k, sampleFromSchema(s, `${seed}.${k}`)]),
      );
    }
    case 'array': {
      const min = typeof schema['minItems'] === 'number' ? schema['minItems'] : 1;
      return Array.from({ length: Math.max(1, min) }, (_, i) =>
        sampleFromSchema((schema['items'] ?? {}) as Schema, `${seed}[${i}]`),
      );
    }
    case 'integer':
    case 'number': {
      const min = typeof schema['minimum'] === 'number' ? schema['minimum'] : 0;
      const max = typeof schema['maximum'] === 'number' ? schema['maximum'] : min + 10;
      const value = min + ((hash(seed) % 1000) / 1000) * (max - min);
      return type === 'integer' ? Math.round(value) : Math.round(value * 100) / 100;
    }
    case 'boolean':
      return hash(seed) % 2 === 0;
    case 'null':
      return null;
    default:
      return `sample ${seed.split('.').pop() ?? 'text'}`.slice(
        0,
        typeof schema['maxLength'] === 'number' ? schema['maxLength'] : 200,
      );
  }
}

export const MODEL_CARDS = [
  {
    id: 'mistral-large-latest',
    max: 131_072,
    caps: { completion_chat: true, function_calling: true, vision: true },
  },
  {
    id: 'mistral-small-latest',
    max: 131_072,
    caps: { completion_chat: true, function_calling: true, vision: true },
  },
  {
    id: 'codestral-latest',
    max: 262_144,
    caps: { completion_chat: true, completion_fim: true, function_calling: true },
  },
  { id: 'mistral-embed', max: 8192, caps: {} },
  { id: 'mistral-moderation-2603', max: 131_072, caps: { moderation: true, classification: true } },
  { id: 'mistral-moderation-2411', max: 8192, caps: { moderation: true, classification: true } },
  {
    id: 'mistral-moderation-latest',
    max: 131_072,
    caps: { moderation: true, classification: true },
  },
].map(({ id, max, caps }) => ({
  id,
  object: 'model',
  created: 1_760_000_000,
  owned_by: 'mistralai',
  type: 'base',
  name: id,
  description: `Fake ${id}`,
  max_context_length: max,
  aliases: [],
  capabilities: {
    completion_chat: false,
    completion_fim: false,
    function_calling: false,
    fine_tuning: false,
    vision: false,
    classification: false,
    moderation: false,
    ...caps,
  },
}));
