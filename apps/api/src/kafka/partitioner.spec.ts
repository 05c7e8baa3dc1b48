import { randomBytes } from 'node:crypto';
import { type PartitionerArgs, Partitioners } from 'kafkajs';
import { KeyHashPartitioner } from './partitioner';

describe('KeyHashPartitioner', () => {
  const partitionMetadata = Array.from({ length: 12 }, (_, i) => ({
    partitionId: i,
    leader: 1,
    partitionErrorCode: 0,
    replicas: [1],
    isr: [1],
  }));
  const args = (key: Buffer | string | null, partitions = 12): PartitionerArgs => ({
    topic: 'moderation.decisions',
    partitionMetadata: partitionMetadata.slice(0, partitions),
    message: { key, value: 'v' },
  });

  it('puts every key in the partition kafkajs (and the Java client) would', () => {
    const ours = KeyHashPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    const keys: (Buffer | string)[] = ['', 'a', 'ab', 'abc', 'abcd', 'événement-17', '帖子-😀'];
    for (let i = 0; i < 2000; i++) {
      const bytes = randomBytes(i % 67);
      keys.push(bytes, bytes.toString('base64url'), `evt-${i}-1764123456789`);
    }
    const differing = keys.flatMap((key) =>
      [1, 4, 12]
        .map((n) => ({ key, n, ours: ours(args(key, n)), theirs: theirs(args(key, n)) }))
        .filter((p) => p.ours !== p.theirs),
    );
    expect(differing).toStrictEqual([]);
  });

  it('keeps an explicit partition, and spreads messages without a key', () => {
    const ours = KeyHashPartitioner();
    expect(ours({ ...args('k'), message: { key: 'k', value: 'v', partition: 7 } })).toBe(7);
    const spread = new Set(Array.from({ length: 24 }, () => ours(args(null))));
    expect(spread.size).toBe(12);
  });
});
