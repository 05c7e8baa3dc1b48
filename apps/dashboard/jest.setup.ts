// jsdom lacks what the browser and Node both have: text encoding (react-router, @sieve/moderation)
// and web streams (the streamed explanation).
import { TextDecoder, TextEncoder } from 'node:util';
import { ReadableStream, TextDecoderStream } from 'node:stream/web';

Object.assign(globalThis, { TextEncoder, TextDecoder, ReadableStream, TextDecoderStream });
