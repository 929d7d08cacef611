/**
 * Compile the WebAssembly ordering kernel (assembly/order.ts) with AssemblyScript and write it, base64-encoded,
 * to src/kernel-wasm.ts (committed, like schema.graphql; test/kernel.test.ts fails when it is stale).
 *   node scripts/build-kernel.mjs          write src/kernel-wasm.ts
 *   node scripts/build-kernel.mjs --check  exit 1 when src/kernel-wasm.ts differs from a fresh compile
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { kernelSource } from './kernel-source.mjs';

const target = fileURLToPath(new URL('../src/kernel-wasm.ts', import.meta.url));
const fresh = await kernelSource();
if (process.argv.includes('--check')) {
  const current = readFileSync(target, 'utf8');
  if (current !== fresh) {
    console.error('src/kernel-wasm.ts is stale: run `npm run build:kernel -w pacing-core`');
    process.exit(1);
  }
  console.log('src/kernel-wasm.ts is up to date');
} else {
  writeFileSync(target, fresh);
  console.log(`wrote ${target}`);
}
