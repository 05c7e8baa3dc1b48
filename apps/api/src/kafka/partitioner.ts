import { type ICustomPartitioner, Partitioners } from 'kafkajs';

/**
 * kafkajs's default partitioner (the Java client's: murmur2 of the key), computed with 32-bit
 * integer arithmetic. kafkajs's own murmur2 builds a 64-bit Long object per operation, several
 * per four bytes of key: publishing a decision per event, that was a tenth of everything the
 * api allocated. Same partition for every key (checked against kafkajs in the spec); messages
 * with an explicit partition or without a key go to kafkajs's partitioner as before.
 */
export const KeyHashPartitioner: ICustomPartitioner = () => {
  const fallback = Partitioners.DefaultPartitioner();
  return (args) => {
    const { message, partitionMetadata } = args;
    if (message.partition !== undefined && message.partition !== null) return message.partition;
    if (message.key === undefined || message.key === null) return fallback(args);
    return toPositive(murmur2(message.key)) % partitionMetadata.length;
  };
};

const toPositive = (x: number) => x & 0x7fffffff;

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils#murmur2) of the key's UTF-8 bytes. */
function murmur2(key: Buffer | string): number {
  const data = typeof key === 'string' ? Buffer.from(key) : key;
  const length = data.length;
  let h = SEED ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2] << 16;
  if (rest >= 2) h ^= data[tail + 1] << 8;
  if (rest >= 1) h = Math.imul(h ^ data[tail], M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h;
}
