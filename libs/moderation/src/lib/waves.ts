/**
 * Waves: near-duplicate posts (the same spam, scam or harassment lightly reworded) grouped so
 * a reviewer handles them once. Everything here is pure: text vectors without a model, vector
 * arithmetic on unit vectors stored as int8, a locality-sensitive index that finds candidate
 * near-duplicates without comparing against everything, the incremental grouping rule, and the
 * adjusted Rand index the grouping threshold is chosen with.
 */

import { Int8Matrix } from './int8-matrix';
import type { PrecedentRule } from './policy';

/** The offline text-vector method's id: hashed character n-grams and words, not a language model. */
export const OFFLINE_VECTOR_METHOD = 'offline-char-ngrams-v1';
export const OFFLINE_VECTOR_DIMS = 256;
/** Vectors are stored as int8, the largest component scaled to ±QUANT. */
const QUANT = 127;

/**
 * The form two posts are "the same text" in, for waves: compatibility forms folded, case
 * folded, punctuation and symbols dropped, whitespace collapsed. (Scoring keeps case and
 * punctuation; a wave does not care that one copy shouts.)
 */
export function normalizeForWaves(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** FNV-1a over `s[from, to)`, seeded so n-grams and words hash apart. */
function fnv1a(s: string, from: number, to: number, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A text vector without a model: character 3- and 4-grams of the normalized text and its words,
 * hashed into OFFLINE_VECTOR_DIMS signed buckets, then scaled to unit length. Rewordings that keep
 * most of their letters stay close; it knows nothing of meaning (synonyms look unrelated).
 */
export function offlineTextVector(text: string, dims = OFFLINE_VECTOR_DIMS): Float32Array {
  const v = new Float32Array(dims);
  const padded = ` ${normalizeForWaves(text)} `;
  const add = (h: number, weight: number) => {
    v[h % dims] += h & 0x80000000 ? -weight : weight;
  };
  for (let n = 3; n <= 4; n++)
    for (let i = 0; i + n <= padded.length; i++) add(fnv1a(padded, i, i + n, n), 1);
  let start = 1;
  for (let i = 1; i < padded.length; i++) {
    if (padded.charCodeAt(i) !== 32) continue;
    if (i > start) add(fnv1a(padded, start, i, 0x5bd1e995), 2);
    start = i + 1;
  }
  return unit(v);
}

/** The vector scaled to length 1 (a zero vector stays zero). */
export function unit(v: ArrayLike<number>): Float32Array {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i] * v[i];
  const out = new Float32Array(v.length);
  if (norm === 0) return out;
  const k = 1 / Math.sqrt(norm);
  for (let i = 0; i < v.length; i++) out[i] = v[i] * k;
  return out;
}

/**
 * A vector as int8, scaled so its largest component is ±127 (a quarter of float32's size;
 * cosines computed from it are within 0.01 of the exact ones).
 */
export function quantize(v: ArrayLike<number>): Int8Array {
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]));
  const q = new Int8Array(v.length);
  if (max === 0) return q;
  const k = QUANT / max;
  for (let i = 0; i < v.length; i++) q[i] = Math.round(v[i] * k);
  return q;
}

/** 1 / the length of a quantized vector (0 for a zero vector). */
export function inverseNorm(v: Int8Array, offset = 0, dims = v.length): number {
  let n = 0;
  for (let i = offset; i < offset + dims; i++) n += v[i] * v[i];
  return n === 0 ? 0 : 1 / Math.sqrt(n);
}

/** Cosine similarity of two quantized vectors. */
export function similarity(a: Int8Array, b: Int8Array): number {
  if (a.length !== b.length) return 0;
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot * inverseNorm(a) * inverseNorm(b);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LSH_TABLES = 12;
const LSH_BITS = 8;
const PLANE_TERMS = 32;
/** The most items of one bucket a query compares. */
const BUCKET_SCAN = 16;
/** A bucket's first room, in rows (a bucket holds one row or more, ~200 with 50,000 indexed). */
const MIN_BUCKET = 4;
/** A group none of whose first this many candidates is near is not near (a wave is tight). */
const GROUP_TRIES = 3;

/**
 * Random-hyperplane hashing (SimHash) in LSH_TABLES tables of LSH_BITS bits: two vectors at
 * cosine c share a table's key with probability (1 − arccos(c)/π)^LSH_BITS, so near-duplicates
 * meet in some table and unrelated posts rarely do. A candidate is then checked exactly.
 * A wave needs one member found, not all, so a pair missed now is usually caught by the next.
 */
export class NearDuplicateIndex<T> {
  /** Sparse ±1 hyperplanes (PLANE_TERMS terms each): as good as dense ones here, 8–16× cheaper. */
  private readonly planeDims: Uint16Array;
  private readonly planeSigns: Int8Array;
  /**
   * Each table's buckets by key (LSH_BITS bits: an array, not a map), each bucket the vector rows
   * in it, `bucketLengths` long: a query walks them with no iterator or set allocated (those were
   * a quarter of the grouping's garbage at thousands of flags a second). Removal swaps the last
   * row in. Typed arrays, not arrays of numbers: twelve places per row were two thirds of the
   * index's JS heap, and every full collection walked them.
   */
  private readonly tables = Array.from({ length: LSH_TABLES }, () =>
    new Array<Uint32Array | undefined>(1 << LSH_BITS).fill(undefined),
  );
  private readonly bucketLengths = Array.from(
    { length: LSH_TABLES },
    () => new Uint32Array(1 << LSH_BITS),
  );
  /**
   * What the index knows of each vector row, in arrays by row rather than an object per entry:
   * with tens of thousands of open flags, objects (and the boxed numbers in them) were most of
   * what every full garbage collection walked. A row's key and position in each table take
   * LSH_TABLES places from row × LSH_TABLES; a key has LSH_BITS bits, up to 16 fit.
   */
  private rowKeys = new Uint16Array(0);
  private rowSlots = new Uint32Array(0);
  private rowNorms = new Float64Array(0);
  /** The last query that looked at the row (instead of a set of them per query). */
  private rowStamps = new Uint32Array(0);
  private readonly rowItems: (T | undefined)[] = [];
  private readonly rowGroups: (string | null)[] = [];
  private readonly queryKeys = new Uint16Array(LSH_TABLES);
  private queryStamp = 0;
  private readonly rows = new Map<T, number>();
  /** The vectors, where their candidates' dot products are taken at once (WebAssembly SIMD). */
  private readonly matrix: Int8Matrix;

  constructor(readonly dims: number) {
    this.matrix = new Int8Matrix(dims);
    const random = mulberry32(0x5eed ^ dims);
    const terms = LSH_TABLES * LSH_BITS * PLANE_TERMS;
    this.planeDims = new Uint16Array(terms);
    this.planeSigns = new Int8Array(terms);
    for (let i = 0; i < terms; i++) {
      this.planeDims[i] = Math.floor(random() * dims);
      this.planeSigns[i] = random() < 0.5 ? -1 : 1;
    }
  }

  get size(): number {
    return this.rows.size;
  }

  /** The vector's key in each table, written to `out` from `at`. */
  private keys(vector: Int8Array, out: Uint16Array, at: number): void {
    let term = 0;
    for (let t = 0; t < LSH_TABLES; t++) {
      let key = 0;
      for (let b = 0; b < LSH_BITS; b++) {
        let dot = 0;
        for (let i = 0; i < PLANE_TERMS; i++, term++)
          dot += this.planeSigns[term] * vector[this.planeDims[term]];
        key = (key << 1) | (dot >= 0 ? 1 : 0);
      }
      out[at + t] = key;
    }
  }

  add(item: T, vector: Int8Array, group: string | null = null): void {
    if (vector.length !== this.dims)
      throw new Error(`expected ${this.dims} dimensions, got ${vector.length}`);
    this.remove(item);
    const row = this.matrix.add(vector);
    if (row >= this.rowNorms.length) this.growRows(row + 1);
    const at = row * LSH_TABLES;
    this.keys(vector, this.rowKeys, at);
    this.rowNorms[row] = inverseNorm(vector);
    this.rowStamps[row] = 0;
    this.rowItems[row] = item;
    this.rowGroups[row] = group;
    for (let t = 0; t < LSH_TABLES; t++) {
      const buckets = this.tables[t];
      const key = this.rowKeys[at + t];
      const length = this.bucketLengths[t][key];
      let bucket = buckets[key];
      if (!bucket || length === bucket.length) {
        const grown = new Uint32Array(Math.max(MIN_BUCKET, length * 2));
        if (bucket) grown.set(bucket);
        buckets[key] = bucket = grown;
      }
      bucket[length] = row;
      this.bucketLengths[t][key] = length + 1;
      this.rowSlots[at + t] = length;
    }
    this.rows.set(item, row);
  }

  private growRows(rows: number): void {
    const capacity = Math.max(1024, rows, this.rowNorms.length * 2);
    const keys = new Uint16Array(capacity * LSH_TABLES);
    keys.set(this.rowKeys);
    this.rowKeys = keys;
    const slots = new Uint32Array(capacity * LSH_TABLES);
    slots.set(this.rowSlots);
    this.rowSlots = slots;
    const norms = new Float64Array(capacity);
    norms.set(this.rowNorms);
    this.rowNorms = norms;
    const stamps = new Uint32Array(capacity);
    stamps.set(this.rowStamps);
    this.rowStamps = stamps;
  }

  /** Puts an item in a group (a wave): near() compares one matching member per group. */
  setGroup(item: T, group: string | null): void {
    const row = this.rows.get(item);
    if (row !== undefined) this.rowGroups[row] = group;
  }

  remove(item: T): void {
    const row = this.rows.get(item);
    if (row === undefined) return;
    const at = row * LSH_TABLES;
    for (let t = 0; t < LSH_TABLES; t++) {
      const key = this.rowKeys[at + t];
      const bucket = this.tables[t][key] as Uint32Array;
      const length = this.bucketLengths[t][key] - 1;
      this.bucketLengths[t][key] = length;
      const last = bucket[length];
      if (last !== row) {
        const slot = this.rowSlots[at + t];
        bucket[slot] = last;
        this.rowSlots[last * LSH_TABLES + t] = slot;
      }
      // A bucket a big wave filled gives its room back as the wave's flags are decided.
      if (length === 0) this.tables[t][key] = undefined;
      else if (length * 4 <= bucket.length && bucket.length > MIN_BUCKET)
        this.tables[t][key] = bucket.slice(0, length * 2);
    }
    this.rowItems[row] = undefined;
    this.rowGroups[row] = null;
    this.matrix.remove(row);
    this.rows.delete(item);
  }

  /**
   * Indexed items at cosine ≥ `threshold` to the vector (as far as hashing finds them), nearest
   * first. One match per group is enough: the other members of a group already matched are not
   * counted (a wave of thousands is one result, not thousands), nor are those of a group GROUP_TRIES
   * of whose members were not near (a wave is tight).
   */
  near(vector: Int8Array, threshold: number): { item: T; similarity: number }[] {
    if (vector.length !== this.dims) return [];
    const candidates: number[] = [];
    // Stamps are 32-bit: after 2³² queries they start again from clean rows.
    if (this.queryStamp === 0xffffffff) {
      this.queryStamp = 0;
      this.rowStamps.fill(0);
    }
    const stamp = ++this.queryStamp;
    // No group is decided on more than GROUP_TRIES of its members (below), so no more are compared.
    const perGroup = new Map<string, number>();
    this.keys(vector, this.queryKeys, 0);
    for (let t = 0; t < LSH_TABLES; t++) {
      const key = this.queryKeys[t];
      const bucket = this.tables[t][key];
      if (!bucket) continue;
      // A crowded bucket is one big wave's members: a few of them stand for all.
      const scan = Math.min(this.bucketLengths[t][key], BUCKET_SCAN);
      for (let i = 0; i < scan; i++) {
        const row = bucket[i];
        if (this.rowStamps[row] === stamp) continue;
        this.rowStamps[row] = stamp;
        const group = this.rowGroups[row];
        if (group !== null) {
          const tried = perGroup.get(group) ?? 0;
          if (tried >= GROUP_TRIES) continue;
          perGroup.set(group, tried + 1);
        }
        candidates.push(row);
      }
    }
    if (!candidates.length) return [];
    // Every candidate's dot product in one call; the groups are then read in the same order.
    const dots = this.matrix.dotsAt(vector, candidates);
    const queryNorm = inverseNorm(vector);
    const matchedGroups = new Set<string>();
    const missedGroups = new Map<string, number>();
    const found: { item: T; similarity: number }[] = [];
    candidates.forEach((row, c) => {
      const group = this.rowGroups[row];
      if (
        group !== null &&
        (matchedGroups.has(group) || (missedGroups.get(group) ?? 0) >= GROUP_TRIES)
      )
        return;
      const s = dots[c] * queryNorm * this.rowNorms[row];
      if (s < threshold) {
        if (group !== null) missedGroups.set(group, (missedGroups.get(group) ?? 0) + 1);
        return;
      }
      found.push({ item: this.rowItems[row] as T, similarity: s });
      if (group !== null) matchedGroups.add(group);
    });
    return found.sort((a, b) => b.similarity - a.similarity);
  }
}

export interface WaveArrival {
  /** The flag. */
  id: string;
  /** normalizeForWaves(text)'s hash: equal texts are one entry of the index. */
  textKey: string;
  vector: Int8Array;
}

export type WaveOutcome =
  | { kind: 'alone' }
  /**
   * `members` (the new flag, and earlier ungrouped ones it is near) join an existing wave; the
   * waves in `absorbed`, which the new flag is also near, are merged into it.
   */
  | { kind: 'joined'; waveId: string; members: string[]; absorbed: string[]; similarity: number }
  /** A new wave of `members`: the new flag and the earlier ones it is near. */
  | { kind: 'created'; waveId: string; members: string[]; absorbed: []; similarity: number };

/** An open text: its flags and wave. */
class TextEntry {
  /** Most texts have one flag: its id alone, where a Set would cost ~170 bytes more. */
  private flags: string | Set<string>;

  constructor(
    flagId: string,
    public waveId: string | null = null,
  ) {
    this.flags = flagId;
  }

  get size(): number {
    return typeof this.flags === 'string' ? 1 : this.flags.size;
  }

  ids(): string[] {
    return typeof this.flags === 'string' ? [this.flags] : [...this.flags];
  }

  add(flagId: string): void {
    if (typeof this.flags !== 'string') this.flags.add(flagId);
    else if (this.flags !== flagId) this.flags = new Set([this.flags, flagId]);
  }

  /** Removes the flag; whether the text has none left. */
  delete(flagId: string): boolean {
    if (typeof this.flags === 'string') return this.flags === flagId;
    this.flags.delete(flagId);
    if (this.flags.size === 1) [this.flags] = this.flags;
    return false;
  }
}

/**
 * Incremental grouping of open flags. Each arriving flag is compared with the open flags seen
 * before it (one entry per distinct normalized text): an equal text or a vector at cosine ≥
 * threshold joins the nearest one's wave, bringing along any near flags not yet in a wave; near
 * flags without a wave form a new one. Two waves merge only through a flag near both: a campaign
 * that started in two places becomes one as soon as a post bridges them.
 */
export class WaveGrouping {
  /** Made for the first vector's dimensions. */
  private index: NearDuplicateIndex<string> | null = null;
  private readonly texts = new Map<string, TextEntry>();
  private readonly flagText = new Map<string, string>();
  /** Each wave's texts, to relabel them when their wave is absorbed. */
  private readonly waveTexts = new Map<string, Set<string>>();

  constructor(
    private readonly threshold: number,
    private readonly newWaveId: () => string,
    /** The most open flags held; the oldest are forgotten first (memory stays bounded). */
    private readonly limit = Number.POSITIVE_INFINITY,
  ) {}

  get openFlags(): number {
    return this.flagText.size;
  }

  /** Restores a flag already grouped (or not) without deciding anything. */
  restore(arrival: WaveArrival, waveId: string | null): void {
    this.place(arrival, waveId);
  }

  arrive(arrival: WaveArrival): WaveOutcome {
    const waveOf = (key: string) => this.texts.get(key)?.waveId ?? null;
    const same = this.texts.get(arrival.textKey);
    const near = same
      ? [{ item: arrival.textKey, similarity: 1 }]
      : (this.index?.near(arrival.vector, this.threshold) ?? []);
    const ungrouped = near.filter((n) => !waveOf(n.item));
    const pulled = ungrouped.flatMap((n) => this.texts.get(n.item)?.ids() ?? []);
    const waves = [...new Set(near.map((n) => waveOf(n.item)).filter((w) => w !== null))];
    let outcome: WaveOutcome = { kind: 'alone' };
    if (waves.length) {
      // The biggest wave stays; the others are absorbed into it.
      const sizeOf = (w: string) =>
        [...(this.waveTexts.get(w) ?? [])].reduce((n, k) => n + (this.texts.get(k)?.size ?? 0), 0);
      const [waveId, ...absorbed] = waves.sort((a, b) => sizeOf(b) - sizeOf(a));
      const similarity = near.find((n) => waveOf(n.item) === waveId)?.similarity ?? 0;
      for (const gone of absorbed) {
        for (const key of this.waveTexts.get(gone) ?? []) this.label(key, waveId);
        this.waveTexts.delete(gone);
      }
      outcome = { kind: 'joined', waveId, members: [arrival.id, ...pulled], absorbed, similarity };
    } else if (pulled.length) {
      outcome = {
        kind: 'created',
        waveId: this.newWaveId(),
        members: [arrival.id, ...pulled],
        absorbed: [],
        similarity: near[0].similarity,
      };
    }
    if (outcome.kind !== 'alone') for (const n of ungrouped) this.label(n.item, outcome.waveId);
    this.place(arrival, outcome.kind === 'alone' ? null : outcome.waveId);
    return outcome;
  }

  /** A flag that is no longer open (decided, left its wave) stops attracting new ones. */
  forget(flagId: string): void {
    const key = this.flagText.get(flagId);
    if (key === undefined) return;
    this.flagText.delete(flagId);
    const entry = this.texts.get(key);
    if (entry?.delete(flagId)) {
      this.texts.delete(key);
      this.index?.remove(key);
      if (entry.waveId) this.waveTexts.get(entry.waveId)?.delete(key);
    }
  }

  private label(key: string, waveId: string): void {
    const entry = this.texts.get(key);
    if (!entry) return;
    entry.waveId = waveId;
    this.index?.setGroup(key, waveId);
    const texts = this.waveTexts.get(waveId);
    if (texts) texts.add(key);
    else this.waveTexts.set(waveId, new Set([key]));
  }

  private place(arrival: WaveArrival, waveId: string | null): void {
    this.flagText.set(arrival.id, arrival.textKey);
    // Maps iterate in insertion order: the first key is the flag held longest.
    while (this.flagText.size > this.limit)
      this.forget(this.flagText.keys().next().value as string);
    const entry = this.texts.get(arrival.textKey);
    if (entry) entry.add(arrival.id);
    else {
      this.texts.set(arrival.textKey, new TextEntry(arrival.id));
      this.index ??= new NearDuplicateIndex(arrival.vector.length);
      this.index.add(arrival.textKey, arrival.vector);
    }
    if (waveId && !this.texts.get(arrival.textKey)?.waveId) this.label(arrival.textKey, waveId);
  }
}

/**
 * The adjusted Rand index of two labellings of the same items: 1 when they group the items
 * identically, about 0 for chance agreement. (Hubert & Arabie, 1985.)
 */
export function adjustedRandIndex(truth: readonly string[], predicted: readonly string[]): number {
  if (truth.length !== predicted.length) throw new Error('labellings differ in length');
  const n = truth.length;
  const pairs = (k: number) => (k * (k - 1)) / 2;
  const cells = new Map<string, number>();
  const rows = new Map<string, number>();
  const cols = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const cell = `${truth[i]}\u0000${predicted[i]}`;
    cells.set(cell, (cells.get(cell) ?? 0) + 1);
    rows.set(truth[i], (rows.get(truth[i]) ?? 0) + 1);
    cols.set(predicted[i], (cols.get(predicted[i]) ?? 0) + 1);
  }
  const sum = (m: Map<string, number>) => [...m.values()].reduce((s, k) => s + pairs(k), 0);
  const index = sum(cells);
  const a = sum(rows);
  const b = sum(cols);
  const expected = (a * b) / pairs(n);
  const max = (a + b) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}

export interface WaveActivity {
  size: number;
  authors: number;
  /** Members that arrived in the last WAVE_GROWTH_WINDOW_MINUTES. */
  recentMembers: number;
}

export const WAVE_GROWTH_WINDOW_MINUTES = 10;

export interface CampaignThresholds {
  /** Members per minute (over the last WAVE_GROWTH_WINDOW_MINUTES) that make a wave a campaign. */
  perMinute: number;
  /** Distinct authors that make a wave a campaign. */
  authors: number;
}

export function growthPerMinute(activity: Pick<WaveActivity, 'recentMembers'>): number {
  return activity.recentMembers / WAVE_GROWTH_WINDOW_MINUTES;
}

/** Why a wave is raised as a campaign, or null: fast growth, many authors, or both. */
export function campaignSignal(
  activity: WaveActivity,
  thresholds: CampaignThresholds,
): 'fast_growth' | 'many_authors' | 'fast_growth_many_authors' | null {
  const fast = growthPerMinute(activity) >= thresholds.perMinute;
  const many = activity.authors >= thresholds.authors;
  return fast && many
    ? 'fast_growth_many_authors'
    : fast
      ? 'fast_growth'
      : many
        ? 'many_authors'
        : null;
}

/**
 * Precedent: the action taken at least `minCount` times on decided posts near this one (cosine ≥
 * the caller's cut), when no other action was taken on them; otherwise null.
 */
export function precedentFrom(
  neighbours: readonly { finalAction: 'approve' | 'remove' | null }[],
  minCount: number,
): { action: 'approve' | 'remove'; count: number } | null {
  const actions = neighbours.map((n) => n.finalAction).filter((a) => a !== null);
  if (actions.length < minCount) return null;
  const [first] = actions;
  return actions.every((a) => a === first) ? { action: first, count: actions.length } : null;
}

/**
 * What a policy's precedent rule decides for a new flag, given the decided posts near it and how
 * near: the action, how many posts set it and the least similar of them; null when the rule does
 * not apply (too few near enough, decided differently, or an action the rule leaves to people).
 */
export function decideByPrecedent(
  neighbours: readonly { finalAction: 'approve' | 'remove' | null; similarity: number }[],
  rule: PrecedentRule,
): { action: 'approve' | 'remove'; count: number; minSimilarity: number } | null {
  const near = neighbours.filter(
    (n) => n.finalAction !== null && n.similarity >= rule.minSimilarity,
  );
  const precedent = precedentFrom(near, rule.minDecided);
  if (!precedent || !rule.actions.includes(precedent.action)) return null;
  return { ...precedent, minSimilarity: Math.min(...near.map((n) => n.similarity)) };
}
