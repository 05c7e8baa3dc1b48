/** The api's HTTP contract: the shapes both the api and the dashboard speak. Types only, no I/O. */
export * from './lib/accounts';
export * from './lib/authors';
export * from './lib/flags';
export * from './lib/roles';
export * from './lib/system';
export * from './lib/explanations';
export * from './lib/policies';
export * from './lib/webhooks';
export * from './lib/appeals';
export * from './lib/statements';
export * from './lib/queues';
export * from './lib/quality';
export * from './lib/data-lifecycle';
export * from './lib/waves';
