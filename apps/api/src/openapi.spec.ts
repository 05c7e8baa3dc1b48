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
    // Every operation's name, least role and security: one assertion per property over all of
    // them, so a failure lists each one that is wrong.
    const described = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({
        name: `${method} ${path}`,
        role: (operation as Record<string, unknown>)['x-sieve-min-role'],
        security: operation.security,
      })),
    );
    expect(described.length).toBeGreaterThan(30);
    const roles = described.map(({ name, role }) => [name, role]);
    expect(roles).toStrictEqual(roles.map(([name]) => [name, expect.any(String)]));
    const guarded = described
      .filter(({ role }) => role !== 'public')
      .map(({ name, security }) => [name, security]);
    expect(guarded).toStrictEqual(
      guarded.map(([name]) => [name, [{ session: [] }, { token: [] }]]),
    );
    expect(document.paths['/api/flags/{id}/decision']?.post?.requestBody).toStrictEqual({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/DecideFlagDto' } } },
      required: true,
    });
    expect(document.components?.schemas?.['DecideFlagDto']).toMatchObject({
      type: 'object',
      required: ['action', 'reason'],
      properties: { action: { type: 'string', enum: ['approve', 'remove', 'escalate'] } },
    });
  }, 60_000);
});
