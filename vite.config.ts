/// <reference types="vitest/config" />
/**
 * One Vite build for every page: client/ is the root, dist/client the output that the server serves.
 * The dev server proxies the API, Socket.IO (with WebSocket upgrade) and health to a local server on :8080.
 */
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const at = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const backend = process.env.BACKEND_URL ?? 'http://localhost:8080';

export default defineConfig({
  root: at('./client'),
  publicDir: at('./client/public'),
  plugins: [vue()],
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  build: {
    outDir: at('./dist/client'),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: {
      '/api': backend,
      '/healthz': backend,
      '/socket.io': { target: backend, ws: true },
    },
  },
  // Vitest reads this file too: run it from the repository root, not from client/.
  test: { root: at('.') },
});
