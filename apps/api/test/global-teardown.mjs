export default async function globalTeardown() {
  const stack = globalThis.__SIEVE_STACK__;
  await Promise.all([stack?.postgres.stop(), stack?.kafka?.stop()]);
}
