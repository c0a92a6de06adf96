/**
 * The web application is built into web/dist and served by the API under /app/
 * (src/api/web-app.ts): hashed file names under assets/ (cached for a year),
 * index.html revalidated on every load. No plugin: Vite compiles TSX itself
 * (automatic JSX runtime from web/tsconfig.json).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/app/',
  // The API's own schemas and contracts (../src) are part of the bundle when imported.
  server: { fs: { allow: ['..'] }, proxy: { '^/(?!app)': 'http://127.0.0.1:8080' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // react-query marks its modules 'use client' (for server components); a browser bundle drops that directive by design.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  oxc: { jsx: { runtime: 'automatic' } },
});
