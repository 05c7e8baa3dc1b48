import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/** The vendored OpenAPI file (see contract/README.md for its source and licence). */
export const OPENAPI_PATH = join(__dirname, '../../contract/openapi.yaml');

interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}
interface Operation {
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
}

export interface ContractIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/**
 * Where the published file disagrees with what the live API sends, the live API wins:
 * `ChatCompletionResponse` lists `data` as required, yet chat completions carry no such field
 * (neither do the official SDK's types).
 */
function isKnownSpecQuirk(template: string, issue: ContractIssue): boolean {
  return (
    template === '/v1/chat/completions' && issue.type === 'required' && issue.msg.includes("'data'")
  );
}

const pointer = (...parts: string[]) =>
  parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

/**
 * Validates requests and responses against Mistral's published OpenAPI description. Used by
 * the fake server (422 on a bad request, like Mistral) and by the contract tests.
 */
export class MistralContract {
  readonly spec: OpenApi;
  private readonly ajv: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(path = OPENAPI_PATH) {
    this.spec = parse(readFileSync(path, 'utf8')) as OpenApi;
    this.ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema({ ...this.spec, $id: 'mistral-openapi' } as object);
  }

  /** The spec's path template matching a concrete path, e.g. `/v1/models/{model_id}`. */
  route(method: string, path: string): string | null {
    const m = method.toLowerCase();
    for (const template of Object.keys(this.spec.paths)) {
      if (!this.spec.paths[template][m]) continue;
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      if (pattern.test(path)) return template;
    }
    return null;
  }

  validateRequest(
    method: string,
    path: string,
    body: unknown,
    contentType = 'application/json',
  ): ContractIssue[] {
    const found = this.operation(method, path);
    if ('issues' in found) return found.issues;
    if (!found.op.requestBody?.content[contentType]) return [];
    return this.check(
      pointer(...found.at, 'requestBody', 'content', contentType, 'schema'),
      body,
      'body',
    );
  }

  validateResponse(
    method: string,
    path: string,
    status: number,
    body: unknown,
    contentType = 'application/json',
  ): ContractIssue[] {
    const found = this.operation(method, path);
    if ('issues' in found) return found.issues;
    if (!found.op.responses[String(status)]?.content?.[contentType]) {
      const msg = `the contract has no ${status} ${contentType} response for ${method} ${found.template}`;
      return [{ loc: ['response'], msg, type: 'unknown_response' }];
    }
    const ref = pointer(...found.at, 'responses', String(status), 'content', contentType, 'schema');
    return this.check(ref, body, 'response').filter(
      (issue) => !isKnownSpecQuirk(found.template, issue),
    );
  }

  /** The operation a request addresses, with its JSON-pointer path in the spec. */
  private operation(
    method: string,
    path: string,
  ): { template: string; op: Operation; at: string[] } | { issues: ContractIssue[] } {
    const template = this.route(method, path);
    if (!template)
      return {
        issues: [
          {
            loc: ['path'],
            msg: `no operation ${method} ${path} in the contract`,
            type: 'unknown_route',
          },
        ],
      };
    const m = method.toLowerCase();
    return { template, op: this.spec.paths[template][m], at: ['paths', template, m] };
  }

  /** Validates one streamed chunk against `CompletionChunk`. */
  validateStreamChunk(chunk: unknown): ContractIssue[] {
    return this.check(pointer('components', 'schemas', 'CompletionChunk'), chunk, 'chunk');
  }

  /** Top-level fields a request body has that the operation does not define (Mistral: 422 extra_forbidden). */
  extraFields(method: string, path: string, body: unknown): string[] {
    const template = this.route(method, path);
    if (!template || !body || typeof body !== 'object' || Array.isArray(body)) return [];
    const schema =
      this.spec.paths[template][method.toLowerCase()].requestBody?.content['application/json']
        ?.schema;
    const ref = typeof schema?.['$ref'] === 'string' ? schema['$ref'].split('/').pop() : null;
    const properties = ref
      ? (this.spec.components.schemas[ref]?.['properties'] as Record<string, unknown> | undefined)
      : undefined;
    if (!properties) return [];
    return Object.keys(body).filter((key) => !(key in properties));
  }

  private check(ref: string, value: unknown, root: string): ContractIssue[] {
    let validate = this.cache.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `mistral-openapi#/${ref}` });
      this.cache.set(ref, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).slice(0, 10).map((e) => {
      const loc: (string | number)[] = [root, ...e.instancePath.split('/').filter(Boolean)];
      if (e.keyword === 'additionalProperties') {
        // Mistral's own wording for unknown fields.
        const extra = (e.params as { additionalProperty: string }).additionalProperty;
        return {
          loc: [...loc, extra],
          msg: 'Extra inputs are not permitted',
          type: 'extra_forbidden',
        };
      }
      return { loc, msg: e.message ?? 'invalid', type: e.keyword };
    });
  }
}
