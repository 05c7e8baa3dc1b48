import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestStack } from '../../test/test-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
type Signed = Awaited<ReturnType<Stack['signIn']>>;

interface Operation {
  requestBody?: { content?: { 'application/json'?: { schema?: { $ref?: string } } } };
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

/** docs/openapi.json is the generated document (openapi.spec.ts keeps it so). */
const openApi = JSON.parse(
  readFileSync(join(__dirname, '../../../../docs/openapi.json'), 'utf8'),
) as OpenApi;

/** Every request body field the API documents, with the path and method that take it. */
function documentedFields(): { method: string; path: string; field: string }[] {
  return Object.entries(openApi.paths).flatMap(([path, operations]) =>
    Object.entries(operations).flatMap(([method, operation]) => {
      const ref = operation.requestBody?.content?.['application/json']?.schema?.$ref;
      const schema = ref ? openApi.components.schemas[ref.split('/').pop() ?? ''] : undefined;
      return Object.keys(schema?.properties ?? {}).map((field) => ({ method, path, field }));
    }),
  );
}

describe('the edge: what a client sends is refused or accepted, never a server error', () => {
  let stack: Stack;
  let admin: Signed;
  let ids: Record<string, string>;

  beforeAll(async () => {
    stack = await startTestStack();
    admin = await stack.signIn('admin');
    const reviewer = await stack.signIn('reviewer');
    const webhook = await admin.agent
      .post('/api/webhooks')
      .set('x-csrf-token', admin.csrfToken)
      .send({ name: 'edge', url: 'http://127.0.0.1:9/hook', kinds: ['reviewer'] })
      .expect(201);
    const draft = await admin.agent
      .post('/api/policies/drafts')
      .set('x-csrf-token', admin.csrfToken)
      .send({})
      .expect(201);
    // Real ids, so that a value the validation let through reaches the service and the database.
    ids = {
      users: reviewer.userId,
      flags: (await stack.seedFlag()).id,
      webhooks: webhook.body.id,
      queues: 'default',
      drafts: String(draft.body.version),
      policies: '1',
    };
  });
  afterAll(() => stack?.stop());

  function concrete(path: string): string {
    return path.replace(/\/(\w+)\/\{(\w+)\}/g, (_, collection: string, name: string) => {
      const id =
        name === 'version'
          ? ids[collection]
          : (ids[collection] ?? '00000000-0000-4000-8000-000000000000');
      return `/${collection}/${id ?? 'unknown'}`;
    });
  }

  it('answers every documented body field sent as null with a 4xx or a success', async () => {
    const fields = documentedFields().filter(({ path }) => !path.endsWith('/logout'));
    expect(fields.length).toBeGreaterThan(50);
    const serverErrors: string[] = [];
    for (const { method, path, field } of fields) {
      const res = await admin.agent[method as 'post' | 'patch' | 'put'](concrete(path))
        .set('x-csrf-token', admin.csrfToken)
        .send({ [field]: null });
      if (res.status >= 500) serverErrors.push(`${method.toUpperCase()} ${path} {${field}: null}`);
    }
    expect(serverErrors).toStrictEqual([]);
  });

  it('refuses a policy version too large for its column with a 400 naming it', async () => {
    for (const path of ['/api/policies/99999999999999999999', '/api/policies/2147483648/shadow']) {
      const res = await admin.agent.get(path).expect(400);
      expect(res.body.details).toStrictEqual([
        { field: 'version', errors: ['version must be a whole number from 1 to 2147483647'] },
      ]);
    }
    const draft = await admin.agent
      .post('/api/policies/drafts')
      .set('x-csrf-token', admin.csrfToken)
      .send({ basedOn: 2147483648 })
      .expect(400);
    expect(JSON.stringify(draft.body.details)).toContain('basedOn');
  });
});
