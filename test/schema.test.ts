import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printDialerSchema } from '../server/src/scripts/emit-schema.js';

describe('schema.graphql', () => {
  it('is the SDL the resolvers emit (run `npm run schema` after changing the API)', async () => {
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(await printDialerSchema());
  });
});
