import { qualityAt, sweep, volumeAtOrAbove } from './backtest';

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
