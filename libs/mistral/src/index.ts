export * from './lib/batch';
export * from './lib/cache';
export * from './lib/chat';
export * from './lib/chat-types';
export * from './lib/client';
export * from './lib/conversation';
export * from './lib/embeddings';
export * from './lib/errors';
export * from './lib/models';
export * from './lib/moderations';
export * from './lib/pricing';
export * from './lib/rate-limiter';
export * from './lib/rate-limit-headers';
export {
  DEFAULT_RETRY,
  estimateTokens,
  type RequestOptions,
  type RetryPolicy,
} from './lib/transport';
export * from './lib/usage';
export { validateAgainst } from './lib/json-schema';
