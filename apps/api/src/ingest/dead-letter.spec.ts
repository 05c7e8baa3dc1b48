import type { KafkaMessage } from 'kafkajs';
import { DLQ_HEADERS, deadLetter, MAX_DEAD_LETTER_VALUE_BYTES } from './ingest.service';

const message = (value: Buffer): KafkaMessage => ({
  key: Buffer.from('k1'),
  value,
  headers: { trace: 'abc' },
  offset: '42',
  timestamp: '0',
  attributes: 0,
});

describe('deadLetter', () => {
  it('keeps the original key, bytes and headers and says where and why', () => {
    const letter = deadLetter(message(Buffer.from('{"id":')), 'posts', 3, 'invalid_json', 'x');
    expect(letter.value).toStrictEqual(Buffer.from('{"id":'));
    expect(letter.headers).toMatchObject({
      trace: 'abc',
      [DLQ_HEADERS.reason]: 'invalid_json',
      [DLQ_HEADERS.topic]: 'posts',
      [DLQ_HEADERS.partition]: '3',
      [DLQ_HEADERS.offset]: '42',
    });
    expect(letter.headers).not.toHaveProperty(DLQ_HEADERS.truncatedFrom);
  });

  it('cuts a value that would not fit the topic once headers are added, and says so', () => {
    const big = Buffer.alloc(1_048_000, 'x');
    const letter = deadLetter(message(big), 'posts', 0, 'text_too_large', 'too big');
    expect((letter.value as Buffer).length).toBe(MAX_DEAD_LETTER_VALUE_BYTES);
    expect(letter.headers?.[DLQ_HEADERS.truncatedFrom]).toBe('1048000');
  });

  it('renames headers a producer set in our namespace, so none passes for ours', () => {
    const forged = {
      ...message(Buffer.from('{')),
      headers: { trace: 'abc', 'sieve-dlq-truncated-from': '5', 'Sieve-DLQ-Reason': 'ok' },
    };
    const letter = deadLetter(forged, 'posts', 0, 'invalid_json', 'x');
    expect(letter.headers).toMatchObject({
      trace: 'abc',
      [DLQ_HEADERS.reason]: 'invalid_json',
      'untrusted-sieve-dlq-truncated-from': '5',
      'untrusted-Sieve-DLQ-Reason': 'ok',
    });
    expect(letter.headers).not.toHaveProperty(DLQ_HEADERS.truncatedFrom);
    expect(letter.headers).not.toHaveProperty('Sieve-DLQ-Reason');
  });
});
