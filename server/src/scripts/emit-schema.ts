import { createPubSub } from '@graphql-yoga/subscription';
import { printSchema } from 'graphql';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildDialerSchema, type Services } from '../graphql/schema.js';

/** The SDL of the API, as committed in schema.graphql at the repository root. */
export async function printDialerSchema(): Promise<string> {
  // Resolver instances are only needed at execution time, not to build the SDL.
  const schema = await buildDialerSchema({} as Services, createPubSub());
  return `# Generated from the type-graphql resolvers by \`npm run schema\`; do not edit.\n\n${printSchema(schema)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = fileURLToPath(new URL('../../../schema.graphql', import.meta.url));
  writeFileSync(target, await printDialerSchema());
  process.stdout.write(`wrote ${target}\n`);
}
