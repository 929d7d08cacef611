import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printDialerSchema } from '../server/src/scripts/emit-schema.js';

describe('schema.graphql', () => {
  it('is the SDL the resolvers emit (run `npm run schema` after changing the API)', async () => {
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(await printDialerSchema());
  });
});

describe('the web app documents', () => {
  it('are valid against schema.graphql (a renamed or removed field fails here, not in a browser)', async () => {
    const docs = (await import('../web/src/lib/api/documents.js')) as Record<string, unknown>;
    const schema = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
    const texts = Object.entries(docs).flatMap(([name, v]) =>
      typeof v === 'string' ? [[name, v] as const] : v && typeof v === 'object' ? Object.entries(v).filter(([, t]) => typeof t === 'string').map(([k, t]) => [`${name}.${k}`, t as string] as const) : []);
    const operations = texts.filter(([, t]) => /^\s*(query|mutation|subscription)\b/.test(t));
    expect(operations.length).toBeGreaterThan(30);
    const problems = operations.flatMap(([name, t]) => validate(schema, parse(t)).map((e) => `${name}: ${e.message}`));
    expect(problems).toEqual([]);
  });
});
