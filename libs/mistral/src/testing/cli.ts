/**
 * Runs the fake Mistral server on its own: `npm run mistral:fake -- --port 8089 [options]`.
 *   --port N             default 8089        --host H            default 127.0.0.1
 *   --api-key K          default test-key    --latency MS        added to every answer
 *   --rate-limited P     share of 429s       --retry-after S     sent with them (default 1)
 *   --server-errors P    share of 500/503    --timeouts P        share never answered
 *   --seed N             fault schedule seed --no-record         keep no request log (long runs)
 */
import { FakeMistralServer } from './fake-mistral-server';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}
const num = (name: string, fallback: number) => {
  const value = option(name);
  const parsed = value === undefined ? fallback : Number(value);
  if (!Number.isFinite(parsed)) {
    console.error(`--${name} must be a number`);
    process.exit(2);
  }
  return parsed;
};

async function main(): Promise<void> {
  const server = new FakeMistralServer({
    apiKey: option('api-key') ?? 'test-key',
    latencyMs: num('latency', 0),
    recordRequests: !process.argv.includes('--no-record'),
    faults: {
      rateLimited: num('rate-limited', 0),
      retryAfterSeconds: num('retry-after', 1),
      serverError: num('server-errors', 0),
      timeout: num('timeouts', 0),
      seed: num('seed', 42),
    },
  });
  await server.start(num('port', 8089), option('host') ?? '127.0.0.1');
  console.log(`Fake Mistral API at ${server.url} (API key: ${server.apiKey}). Ctrl-C to stop.`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
