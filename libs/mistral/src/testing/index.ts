export * from './fake-mistral-server';
