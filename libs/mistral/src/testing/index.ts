export * from './contract';
export * from './fake-behaviour';
export * from './fake-mistral-server';
export * from './fake-clock';
