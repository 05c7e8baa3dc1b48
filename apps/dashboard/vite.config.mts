/// <reference types='vite/client' />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { nxViteTsPaths } from '@nx/vite/plugins/nx-tsconfig-paths.plugin';

// Where the dev server forwards /api; `npm start` sets it to the api it started.
const apiTarget = process.env.SIEVE_API_URL ?? 'http://127.0.0.1:3000';

// The production build's headers (deploy/nginx.conf sends the same). React sets styles through
// the CSSOM, which style-src 'self' allows; no inline script or style attribute is needed.
const productionHeaders = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

export default defineConfig(() => ({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/apps/dashboard',
  server: {
    port: 4200,
    host: '127.0.0.1',
    proxy: { '/api': { target: apiTarget, changeOrigin: false } },
  },
  preview: {
    port: 4300,
    host: '127.0.0.1',
    headers: productionHeaders,
    proxy: { '/api': { target: apiTarget, changeOrigin: false } },
  },
  plugins: [react(), nxViteTsPaths()],
  // The dashboard's build-time settings (read in src/config.ts only).
  define: {
    __SIEVE_ENV__: JSON.stringify({
      VITE_API_BASE_URL: process.env.VITE_API_BASE_URL,
      VITE_QUEUE_REFRESH_MS: process.env.VITE_QUEUE_REFRESH_MS,
    }),
  },
  build: {
    outDir: '../../dist/apps/dashboard',
    emptyOutDir: true,
    reportCompressedSize: false,
  },
}));
