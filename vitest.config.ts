import { createRequire } from 'node:module';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (index.js) and ESM (index.mjs). Node loads the CJS build for
    // type-graphql, Apollo and graphql-ws; Vite would give our sources the ESM one, and the two
    // copies reject each other's schema ("from another module or realm"). Use one copy.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Most files wait on PostgreSQL, Redis, a child server or virtual time rather than on the CPU, so two run at
    // once even on a 2-core machine (vitest's default there is one at a time, which took CI to ~24 minutes).
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['pacing-core/test/**/*.test.ts', 'server/test/**/*.test.ts', 'test/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
        },
      },
      {
        // The web app's stores and formatting: Svelte runes compiled by the Svelte plugin, and
        // Svelte's browser (reactive) runtime rather than its server one.
        plugins: [svelte({ configFile: false })],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'web',
          include: ['web/test/**/*.test.ts'],
          environment: 'node',
        },
      },
    ],
  },
});
