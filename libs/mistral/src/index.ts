export * from './lib/mistral';
