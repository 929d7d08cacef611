import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM build helper without type declarations
import { kernelSource } from '../scripts/kernel-source.mjs';

describe('WebAssembly ordering kernel', () => {
  it('src/kernel-wasm.ts is the compile of assembly/order.ts (run `npm run build:kernel -w pacing-core` when this fails)', async () => {
    const committed = readFileSync(new URL('../src/kernel-wasm.ts', import.meta.url), 'utf8');
    expect(await kernelSource()).toBe(committed);
  }, 60_000);
});
