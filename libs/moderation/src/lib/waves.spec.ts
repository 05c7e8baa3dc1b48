import {
  adjustedRandIndex,
  campaignSignal,
  decideByPrecedent,
  NearDuplicateIndex,
  normalizeForWaves,
  offlineTextVector,
  precedentFrom,
  quantize,
  similarity,
  WaveGrouping,
  type WaveOutcome,
} from './waves';
import { sampleWaves } from './wave-samples';

const vector = (text: string) => quantize(offlineTextVector(text));

/** Groups posts in arrival order; returns each post's wave (or its own label when alone). */
function group(texts: string[], threshold: number, vectors = texts.map(vector)): string[] {
  let next = 0;
  const grouping = new WaveGrouping(threshold, () => `wave${next++}`);
  const labels = texts.map((_, i) => `alone${i}`);
  texts.forEach((text, i) => {
    const outcome: WaveOutcome = grouping.arrive({
      id: String(i),
      textKey: normalizeForWaves(text),
      vector: vectors[i],
    });
    if (outcome.kind === 'alone') return;
    for (const m of outcome.members) labels[Number(m)] = outcome.waveId;
    for (const gone of outcome.absorbed)
      labels.forEach((l, j) => l === gone && (labels[j] = outcome.waveId));
  });
  return labels;
}

describe('waves', () => {
  it('treats case, punctuation and spacing as the same text', () => {
    expect(normalizeForWaves('  CLAIM your   FREE iPhone!!! 🔥')).toBe('claim your free iphone');
  });

  it('keeps rewordings close and unrelated posts apart', () => {
    const a = vector('Claim your free iPhone now, only 3 left! Visit bit.ly/x1');
    const reworded = vector('claim your FREE iphone today only 7 left visit bit.ly/x9 🔥');
    const unrelated = vector('The bus was really late this morning');
    expect(similarity(a, a)).toBeCloseTo(1, 2);
    expect(similarity(a, reworded)).toBeGreaterThan(0.6);
    expect(similarity(a, unrelated)).toBeLessThan(0.3);
  });

  it('computes the adjusted Rand index', () => {
    expect(adjustedRandIndex(['a', 'a', 'b', 'b'], ['x', 'x', 'y', 'y'])).toBe(1);
    // scikit-learn's adjusted_rand_score([0, 0, 1, 2], [0, 0, 1, 1]) = 0.5714…
    expect(adjustedRandIndex(['0', '0', '1', '2'], ['0', '0', '1', '1'])).toBeCloseTo(0.5714, 4);
    expect(adjustedRandIndex(['0', '0', '1', '1'], ['0', '1', '0', '1'])).toBeCloseTo(-0.5, 4);
  });

  it('groups an equal text with the open flag it repeats, then joins later copies to that wave', () => {
    const labels = group(['Buy followers now', 'buy FOLLOWERS now!', 'Buy followers now'], 0.99);
    expect(new Set(labels).size).toBe(1);
    expect(labels[0]).toBe('wave0');
  });

  it('merges two waves of one campaign when a post is near both', () => {
    let next = 0;
    const grouping = new WaveGrouping(0.99, () => `wave${next++}`);
    const arrive = (id: string, textKey: string, v: Int8Array) =>
      grouping.arrive({ id, textKey, vector: v });
    const v = vector('same campaign text');
    expect(arrive('1', 'a', v).kind).toBe('alone');
    expect(arrive('2', 'a', v)).toMatchObject({ kind: 'created', waveId: 'wave0' });
    expect(arrive('3', 'b', v)).toMatchObject({ kind: 'joined', waveId: 'wave0' });
    grouping.forget('3');
    expect(grouping.openFlags).toBe(2);
  });

  it('finds what is indexed and nothing removed, whichever slot of a shared bucket it held', () => {
    const index = new NearDuplicateIndex<string>(256);
    // Equal vectors share every table's bucket: removals from its middle, start and end.
    const same = vector('the same campaign text, posted again and again');
    for (let i = 0; i < 10; i++) index.add(`copy${i}`, same);
    const other = vector('an unrelated post about gardening and tomatoes');
    index.add('other', other);
    for (const gone of ['copy4', 'copy0', 'copy9', 'copy5']) index.remove(gone);
    const found = index.near(same, 0.99).map((m) => m.item);
    // Strict: toEqual ignores undefined items, which is what a removed row's stale slot gives.
    expect(found.sort()).toStrictEqual(['copy1', 'copy2', 'copy3', 'copy6', 'copy7', 'copy8']);
    expect(index.near(other, 0.99).map((m) => m.item)).toStrictEqual(['other']);
    for (const item of found) index.remove(item);
    expect(index.near(same, 0.5)).toStrictEqual([]);
    expect(index.size).toBe(1);
  });

  it('keeps a crowded bucket right as a big wave fills it and leaves it', () => {
    const index = new NearDuplicateIndex<string>(256);
    const same = vector('the same campaign text, posted again and again');
    const other = vector('an unrelated post about gardening and tomatoes');
    index.add('other', other);
    for (let i = 0; i < 100; i++) index.add(`copy${i}`, same);
    // Its buckets give their room back as they empty, in between removals from any slot.
    const kept = ['copy13', 'copy50', 'copy98'];
    for (let i = 0; i < 100; i++) {
      const item = `copy${(i * 37) % 100}`; // every copy once, in a scattered order
      if (!kept.includes(item)) index.remove(item);
    }
    expect(index.size).toBe(4);
    expect(
      index
        .near(same, 0.99)
        .map((m) => m.item)
        .sort(),
    ).toStrictEqual(['copy13', 'copy50', 'copy98']);
    // Filled again: the new rows are found, the removed ones not.
    for (let i = 100; i < 130; i++) index.add(`copy${i}`, same);
    for (const item of kept) index.remove(item);
    const found = index.near(same, 0.99).map((m) => m.item);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((item) => Number(item.slice(4)) >= 100)).toBe(true);
    expect(index.near(other, 0.99).map((m) => m.item)).toStrictEqual(['other']);
    expect(index.size).toBe(31);
  });

  it('keeps finding its items as it grows past its first rows and reuses removed ones', () => {
    const index = new NearDuplicateIndex<string>(256);
    // Unrelated texts (random letters), so no bucket is crowded past what a query scans.
    const text = (i: number) => {
      let seed = i + 1;
      const letter = () => String.fromCharCode(97 + ((seed = (seed * 48271) % 2147483647) % 26));
      return Array.from({ length: 40 }, (_, k) => (k % 6 === 5 ? ' ' : letter())).join('');
    };
    for (let i = 0; i < 1500; i++) index.add(`p${i}`, vector(text(i)));
    for (let i = 0; i < 1500; i += 3) index.remove(`p${i}`);
    // The removed items' rows are taken again, with other keys in every table.
    for (let i = 1500; i < 2000; i++) index.add(`p${i}`, vector(text(i)));
    expect(index.size).toBe(1500);
    const wrong: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const removed = i < 1500 && i % 3 === 0;
      const found = index.near(vector(text(i)), 0.99).some((m) => m.item === `p${i}`);
      if (found === removed) wrong.push(`p${i}`);
    }
    expect(wrong).toStrictEqual([]);
  });

  it('pulls every flag of a repeated text into a wave, and lets the text go with its last flag', () => {
    let next = 0;
    const grouping = new WaveGrouping(0.99, () => `wave${next++}`);
    const v = vector('same campaign text');
    for (const id of ['1', '2', '3']) grouping.restore({ id, textKey: 'a', vector: v }, null);
    expect(grouping.arrive({ id: '4', textKey: 'b', vector: v })).toMatchObject({
      kind: 'created',
      members: ['4', '1', '2', '3'],
    });
    for (const id of ['2', '1']) grouping.forget(id);
    expect(grouping.openFlags).toBe(2);
    expect(grouping.arrive({ id: '5', textKey: 'a', vector: v })).toMatchObject({
      kind: 'joined',
      members: ['5'],
    });
    for (const id of ['3', '5', '4']) grouping.forget(id);
    expect(grouping.openFlags).toBe(0);
    expect(grouping.arrive({ id: '6', textKey: 'a', vector: v }).kind).toBe('alone');
  });

  it('finds each item once when its query stamps start again after 2³² queries', () => {
    const index = new NearDuplicateIndex<string>(256);
    const same = vector('the same campaign text, posted again and again');
    index.add('a', same);
    index.add('b', same);
    (index as unknown as { queryStamp: number }).queryStamp = 0xffffffff - 1;
    for (let i = 0; i < 3; i++)
      expect(
        index
          .near(same, 0.99)
          .map((m) => m.item)
          .sort(),
      ).toStrictEqual(['a', 'b']);
  });

  it('holds at most its limit of open flags, forgetting the oldest first', () => {
    let next = 0;
    const grouping = new WaveGrouping(0.99, () => `wave${next++}`, 2);
    const v = vector('same campaign text');
    grouping.arrive({ id: '1', textKey: 'a', vector: v });
    grouping.arrive({ id: '2', textKey: 'b', vector: vector('another text entirely') });
    grouping.arrive({ id: '3', textKey: 'c', vector: vector('a third one, unrelated') });
    expect(grouping.openFlags).toBe(2);
    // '1' was forgotten: a copy of its text starts nothing.
    expect(grouping.arrive({ id: '4', textKey: 'a', vector: v }).kind).toBe('alone');
  });

  it('finds generated waves among unrelated posts; 0.55, the offline default, is the best cut (docs/waves.md)', () => {
    const sets = [1, 2, 3].map((seed) => {
      const posts = sampleWaves({
        waves: 12,
        perWave: 50,
        authorsPerWave: 20,
        unrelated: 1500,
        seed,
      });
      const texts = posts.map((p) => p.text);
      const truth = posts.map((p, i) => (p.campaign === null ? `u${i}` : `c${p.campaign}`));
      return { texts, truth, vectors: texts.map(vector) };
    });
    const mean = (threshold: number) =>
      sets.reduce(
        (sum, s) => sum + adjustedRandIndex(s.truth, group(s.texts, threshold, s.vectors)),
        0,
      ) / sets.length;
    const chosen = mean(0.55);
    expect(chosen).toBeGreaterThan(0.99);
    for (const other of [0.4, 0.5, 0.7, 0.8])
      expect(mean(other)).toBeLessThanOrEqual(chosen + 0.005);
  });

  it('keeps a 50-post wave whole: the index finds a near member for nearly every rewording', () => {
    // With 10 tables of 12 bits about one wave in ten lost a post (docs/waves.md).
    let whole = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const posts = sampleWaves({
        waves: 1,
        perWave: 50,
        authorsPerWave: 20,
        unrelated: 0,
        seed,
        firstCampaign: seed,
      });
      const labels = group(
        posts.map((p) => p.text),
        0.55,
      );
      if (new Set(labels).size === 1 && !labels[0].startsWith('alone')) whole++;
    }
    expect(whole).toBeGreaterThanOrEqual(98);
  });

  it('raises a wave that grows fast or spans many authors', () => {
    const thresholds = { perMinute: 5, authors: 10 };
    expect(campaignSignal({ size: 30, authors: 2, recentMembers: 10 }, thresholds)).toBeNull();
    expect(campaignSignal({ size: 60, authors: 2, recentMembers: 60 }, thresholds)).toBe(
      'fast_growth',
    );
    expect(campaignSignal({ size: 60, authors: 20, recentMembers: 60 }, thresholds)).toBe(
      'fast_growth_many_authors',
    );
    expect(campaignSignal({ size: 20, authors: 20, recentMembers: 0 }, thresholds)).toBe(
      'many_authors',
    );
  });

  it('sees a precedent only when enough near posts were all decided the same way', () => {
    const removed = { finalAction: 'remove' as const };
    expect(precedentFrom([removed, removed, removed], 3)).toStrictEqual({
      action: 'remove',
      count: 3,
    });
    expect(precedentFrom([removed, removed], 3)).toBeNull();
    expect(precedentFrom([removed, removed, { finalAction: 'approve' }], 2)).toBeNull();
  });

  it('decides by precedent only as near, as often and as the rule allows', () => {
    const rule = { actions: ['remove' as const], minDecided: 3, minSimilarity: 0.9 };
    const removed = (similarity: number) => ({ finalAction: 'remove' as const, similarity });
    expect(decideByPrecedent([removed(0.97), removed(0.95), removed(0.91)], rule)).toStrictEqual({
      action: 'remove',
      count: 3,
      minSimilarity: 0.91,
    });
    // One of the three is not near enough.
    expect(decideByPrecedent([removed(0.97), removed(0.95), removed(0.89)], rule)).toBeNull();
    // A near post approved breaks the precedent; a far one does not count either way.
    const approved = (similarity: number) => ({ finalAction: 'approve' as const, similarity });
    const three = [removed(0.99), removed(0.98), removed(0.97)];
    expect(decideByPrecedent([...three, approved(0.93)], rule)).toBeNull();
    expect(decideByPrecedent([...three, approved(0.6)], rule)?.action).toBe('remove');
    // Approvals are left to people unless the rule names them.
    const approvals = [approved(0.99), approved(0.98), approved(0.97)];
    expect(decideByPrecedent(approvals, rule)).toBeNull();
    expect(decideByPrecedent(approvals, { ...rule, actions: ['approve', 'remove'] })).toStrictEqual(
      {
        action: 'approve',
        count: 3,
        minSimilarity: 0.97,
      },
    );
  });
});
