import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

/** The API server the dev server proxies to (`npm run dev` at the root starts it on 4000). */
const api = process.env.DIALER_API ?? 'http://127.0.0.1:4000';

export default defineConfig({
  plugins: [svelte()],
  server: {
    port: 5173,
    proxy: {
      '/graphql': { target: api, ws: true, changeOrigin: true },
      '/healthz': { target: api },
      '/reports': { target: api },
      '/imports': { target: api },
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 800 },
});
