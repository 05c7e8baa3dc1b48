import { CompressionCodecs, CompressionTypes } from 'kafkajs';
// kafkajs's own Snappy codec (pure JavaScript, reads Java's xerial framing and raw blocks).
import SnappyCodec from 'kafkajs-snappy';
import { compressFrame, decompressFrame } from 'lz4-napi';
import { decompress as decompressZstd } from 'fzstd';

interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/** Kafka's LZ4 is the LZ4 frame format (KIP-57). */
const lz4Codec = (): Codec => ({
  compress: (encoder) => compressFrame(encoder.buffer),
  decompress: (buffer) => decompressFrame(buffer),
});

/** Read only: Sieve publishes uncompressed (or gzip), it never writes zstd. */
const zstdCodec = (): Codec => ({
  compress: () => Promise.reject(new Error('Sieve does not produce zstd batches')),
  decompress: async (buffer) => {
    const out = decompressZstd(buffer);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  },
});

/**
 * Platforms produce with whatever their Kafka client compresses with: librdkafka and the Java
 * client offer gzip, snappy, lz4 and zstd. kafkajs reads gzip by itself and, on a batch in any
 * of the others, throws in every fetch: the consumer crashed and restarted on the same batch
 * forever. kafkajs keeps codecs in one process-wide table; this fills it (idempotent).
 */
export function registerCompressionCodecs(): void {
  CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec;
  CompressionCodecs[CompressionTypes.LZ4] = lz4Codec;
  CompressionCodecs[CompressionTypes.ZSTD] = zstdCodec;
}
