import path from 'node:path';
import { defineConfig } from 'vite';

// The console is served by the API (apps/api/src/http/console-static.ts) from dist/console; assets carry a content
// hash, so the API can let browsers cache them for a year.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  publicDir: false,
  resolve: {
    // Only the pure files the console needs: libs/domain's index also reaches modules meant for the server, and
    // libs/audit's the database; its offline verifier (audit-log-verifier.ts and what it imports) is browser-safe.
    alias: {
      '@vigil/domain/': `${path.resolve(import.meta.dirname, '../../libs/domain/src')}/`,
      '@vigil/audit/': `${path.resolve(import.meta.dirname, '../../libs/audit/src')}/`,
    },
  },
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: path.resolve(import.meta.dirname, '../../dist/console'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // No inline module-preload polyfill: the page runs under a CSP without 'unsafe-inline'.
    modulePreload: { polyfill: false },
    sourcemap: false,
    rolldownOptions: {
      // React Query marks its modules "use client" for server-component bundlers; meaningless in this bundle.
      onLog(level, log, handler) {
        if (log.code !== 'MODULE_LEVEL_DIRECTIVE') handler(level, log);
      },
    },
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000' } },
});
