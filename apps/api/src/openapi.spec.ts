import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOpenApiDocument } from './app.setup';

const CHECKED_IN = join(__dirname, '../../../docs/openapi.json');

describe('OpenAPI document', () => {
  it('matches docs/openapi.json (after changing a route or DTO, run `npm run openapi`)', async () => {
    const generated = await generateOpenApiDocument();
    const checkedIn = JSON.parse(readFileSync(CHECKED_IN, 'utf8'));
    expect(generated).toStrictEqual(checkedIn);
  }, 60_000);

  it('names the least role of every operation and how to authenticate', async () => {
    const document = await generateOpenApiDocument();
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
    );
    expect(operations.length).toBeGreaterThan(30);
    const withoutRole = operations.filter(
      ({ operation }) =>
        typeof (operation as Record<string, unknown>)['x-sieve-min-role'] !== 'string',
    );
    expect(withoutRole.map(({ path, method }) => `${method} ${path}`)).toStrictEqual([]);
    const unauthenticated = operations.filter(
      ({ operation }) =>
        (operation as Record<string, unknown>)['x-sieve-min-role'] !== 'public' &&
        JSON.stringify(operation.security) !== JSON.stringify([{ session: [] }, { token: [] }]),
    );
    expect(unauthenticated.map(({ path, method }) => `${method} ${path}`)).toStrictEqual([]);
    expect(document.paths['/api/flags/{id}/decision']?.post?.requestBody).toBeDefined();
  }, 60_000);
});
