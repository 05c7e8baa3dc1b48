import {
  labelsPerCategory,
  qualityAt,
  type ReviewedItem,
  sweep,
  volumeAtOrAbove,
} from './backtest';

const items = [
  { score: 0.9, harmful: true },
  { score: 0.7, harmful: false },
  { score: 0.5, harmful: true },
  { score: 0.2, harmful: false },
];

describe('qualityAt', () => {
  it('counts a score exactly at the threshold as flagged', () => {
    expect(qualityAt(items, 0.5)).toMatchObject({
      flagged: 3,
      truePositives: 2,
      falsePositives: 1,
      falseNegatives: 0,
      precision: 2 / 3,
      recall: 1,
    });
    expect(qualityAt(items, 0.51)).toMatchObject({
      truePositives: 1,
      falseNegatives: 1,
      recall: 0.5,
    });
  });

  it('says precision is undefined when nothing is flagged, and recall when nothing is harmful', () => {
    expect(qualityAt(items, 0.95)).toMatchObject({ flagged: 0, precision: null, recall: 0 });
    expect(qualityAt([], 0.5)).toMatchObject({ precision: null, recall: null });
    expect(qualityAt([{ score: 0.9, harmful: false }], 0.5)).toMatchObject({
      precision: 0,
      recall: null,
    });
  });
});

describe('volumeAtOrAbove and sweep', () => {
  const counts = Array.from({ length: 101 }, (_, i) => (i === 50 ? 10 : i === 100 ? 2 : 1));

  it('sums the buckets from the threshold up, the bucket of the threshold included', () => {
    expect(volumeAtOrAbove(counts, 0.5)).toBe(10 + 49 + 2);
    expect(volumeAtOrAbove(counts, 0.51)).toBe(49 + 2);
    expect(volumeAtOrAbove(counts, 1)).toBe(2);
    expect(volumeAtOrAbove(counts, 0)).toBe(counts.reduce((a, b) => a + b, 0));
    expect(volumeAtOrAbove(counts, 0.29)).toBe(volumeAtOrAbove(counts, 0.3) + 1);
  });

  it('draws 21 points from 0 to 1 with volume never rising', () => {
    const points = sweep(items, counts);
    expect(points).toHaveLength(21);
    expect(points[0]).toMatchObject({ threshold: 0, recall: 1 });
    expect(points[20].threshold).toBe(1);
    for (let i = 1; i < points.length; i++)
      expect(points[i].volume).toBeLessThanOrEqual(points[i - 1].volume);
  });
});

describe('labelsPerCategory: precision and recall per category', () => {
  // Worked by hand. Violence at threshold 0.5:
  //   A 0.9 removed for a threat        → flagged, harmful      (true positive)
  //   B 0.3 removed for personal data   → not flagged, not harmful for violence
  //   C 0.7 approved                    → flagged, not harmful  (false positive)
  //   D 0.4 removed for a threat        → not flagged, harmful  (false negative)
  //   E 0.8 escalated                   → no verdict yet, left out
  // precision = 1 / (1 + 1) = 0.5, recall = 1 / (1 + 1) = 0.5. Counting every removal as
  // harmful in every category (the old rule) made B a violent miss: recall 1/3.
  const items: ReviewedItem[] = [
    {
      scores: { violence_and_threats: 0.9, pii: 0.1 },
      action: 'remove',
      reason: 'Threat of violence',
      triggered: ['violence_and_threats'],
    },
    {
      scores: { violence_and_threats: 0.3, pii: 0.95 },
      action: 'remove',
      reason: 'Personal data exposed',
      triggered: ['pii'],
    },
    {
      scores: { violence_and_threats: 0.7, pii: 0 },
      action: 'approve',
      reason: 'Not harmful',
      triggered: ['violence_and_threats'],
    },
    {
      scores: { violence_and_threats: 0.4, pii: 0.2, hate_and_discrimination: 0.8 },
      action: 'remove',
      reason: 'Threat of violence',
      triggered: ['hate_and_discrimination'],
    },
    {
      scores: { violence_and_threats: 0.8 },
      action: 'escalate',
      reason: 'Legal risk',
      triggered: [],
    },
  ];
  const labels = labelsPerCategory(items);

  it('uses each category’s own labels', () => {
    expect(qualityAt(labels['violence_and_threats'] ?? [], 0.5)).toMatchObject({
      truePositives: 1,
      falsePositives: 1,
      falseNegatives: 1,
      precision: 0.5,
      recall: 0.5,
    });
    // PII: B is the only positive, flagged at 0.5; nothing else reaches 0.5.
    expect(qualityAt(labels['pii'] ?? [], 0.5)).toMatchObject({ precision: 1, recall: 1 });
    // D was flagged for hate and removed: a positive for hate as well as violence.
    expect(labels['hate_and_discrimination']).toStrictEqual([{ score: 0.8, harmful: true }]);
  });

  it('leaves escalations out', () => {
    expect(labels['violence_and_threats']).toHaveLength(4);
  });
});
