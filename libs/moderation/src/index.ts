export * from './lib/categories';
export * from './lib/content-event';
export * from './lib/policy';
export * from './lib/offline/offline-scorer';
export { findPii, luhnValid, ibanValid, type PiiMatch } from './lib/offline/pii';
export { tokenize, type Token } from './lib/offline/normalize';
export * from './lib/decision-message';
export * from './lib/explanation';
export * from './lib/scoring-text';
