export * from './lib/client';
export * from './lib/errors';
export * from './lib/moderations';
