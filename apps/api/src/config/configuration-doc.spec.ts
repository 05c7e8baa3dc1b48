import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema, loadConfig } from './app-config';

const DOC = join(__dirname, '../../../../docs/configuration.md');

/** The rows of the api's table: everything before the tools' own variables. */
function documentedRows(): Map<string, string> {
  const text = readFileSync(DOC, 'utf8').split('## The tools')[0] ?? '';
  const rows = new Map<string, string>();
  for (const match of text.matchAll(/^\| `([A-Z_]+)`\s*\| ([^|]+)\|/gm)) {
    rows.set(match[1] ?? '', (match[2] ?? '').trim());
  }
  return rows;
}

describe('docs/configuration.md', () => {
  const rows = documentedRows();

  it('documents every setting of the schema, and nothing else', () => {
    expect([...rows.keys()].sort()).toStrictEqual(Object.keys(configSchema.shape).sort());
  });

  it('states the defaults the schema applies', () => {
    const defaults = loadConfig({ DATABASE_URL: 'postgres://x/y', KAFKA_BROKERS: 'k:9092' });
    for (const [name, documented] of rows) {
      const literal = /^`([^`]*)`$/.exec(documented)?.[1];
      if (literal === undefined) continue; // "required", "unset", prose
      const actual = (defaults as Record<string, unknown>)[name];
      expect([name, String(actual)]).toStrictEqual([name, literal]);
    }
  });
});
