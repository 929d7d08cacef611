import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { FIELD_SCOPE, PEOPLE_ONLY, missingScope, rootFields } from '../src/auth/api-key.js';
import { parse } from 'graphql';

const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));
const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) => Object.keys(t?.getFields() ?? {}));

/**
 * Every root field of schema.graphql is classified for API keys: the scope it needs, or people only.
 * A new operation fails here until someone decides what a key may do with it.
 */
describe('API key scopes', () => {
  it('classify every root field of schema.graphql, and only those', () => {
    const classified = new Set([...Object.keys(FIELD_SCOPE), ...PEOPLE_ONLY]);
    expect(roots.filter((f) => !classified.has(f))).toEqual([]);
    expect([...classified].filter((f) => !roots.includes(f))).toEqual([]);
    expect(Object.keys(FIELD_SCOPE).filter((f) => PEOPLE_ONLY.includes(f))).toEqual([]);
  });

  it('see through fragments at the root', () => {
    const doc = parse('query Q { ...A ... on Query { campaigns { totalCount } } } fragment A on Query { users { id } __typename }');
    expect(rootFields(doc, 'Q')?.sort()).toEqual(['campaigns', 'users']);
    expect(missingScope(['campaigns', 'users'], ['campaigns:read'])).toEqual({ field: 'users', needs: null });
    expect(missingScope(['campaigns'], ['contacts:read'])).toEqual({ field: 'campaigns', needs: 'campaigns:read' });
    expect(missingScope(['campaigns'], ['campaigns:read'])).toBeUndefined();
  });
});
