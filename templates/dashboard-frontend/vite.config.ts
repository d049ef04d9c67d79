import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

// The bundle is served from any path (relative base), ships without source
// maps, and must be byte-for-byte reproducible: no timestamps, no absolute paths.
// `npm run dev` proxies /api and /ws to a running dashboard backend
// (DASHBOARD_BACKEND, default http://127.0.0.1:3000).
const backend = process.env.DASHBOARD_BACKEND ?? 'http://127.0.0.1:3000';

export default defineConfig({
  base: './',
  plugins: [react(), tailwindcss()],
  build: {
    outDir: 'dist',
    emptyOutDir: false, // scripts/clean-dist.mjs empties it but keeps *.mustache
    sourcemap: false,
    target: 'es2020',
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
  server: {
    proxy: {
      '/api': backend,
      '/ws': { target: backend.replace(/^http/, 'ws'), ws: true },
    },
  },
});
