/**
 * One Vite build for every page: client/ is the root, dist/client the output that the server serves.
 * The dev server proxies the API, Socket.IO (with WebSocket upgrade) and health to a local server on :8080.
 */
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';

const at = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const backend = process.env.BACKEND_URL ?? 'http://localhost:8080';

/**
 * Trims the Noto Sans SC stylesheets to what the screens can use: woff2 only (every browser a wall runs has
 * it) and no Cyrillic/Vietnamese/Latin-extended slices. Less CSS on first load, fewer files in dist.
 */
function fontsWoff2Only(): Plugin {
  return {
    name: 'fonts-woff2-only',
    enforce: 'pre',
    transform(code, id) {
      if (!/@fontsource\/noto-sans-sc\/\d+\.css$/.test(id.split('?')[0] ?? '')) return null;
      const kept = code
        .split(/(?=\/\* noto-sans-sc-)/)
        .filter((block) => !/noto-sans-sc-(cyrillic|vietnamese|latin-ext)-/.test(block))
        .map((block) => block.replace(/,\s*url\([^)]*\.woff\) format\('woff'\)/g, ''));
      return { code: kept.join(''), map: null };
    },
  };
}

export default defineConfig({
  root: at('./client'),
  publicDir: at('./client/public'),
  plugins: [fontsWoff2Only(), vue()],
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
    rolldownOptions: {
      output: {
        // Libraries in chunks of their own, named for what they are: ECharts (wall, briefing, present: cached
        // once for all three) and the PDF export's pdf-lib and fontkit, loaded only when someone exports a PDF
        // (two parallel downloads instead of one 1.2 MB file; no page loads them on open).
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/ },
            { name: 'fontkit', test: /node_modules[\\/]@pdf-lib[\\/]fontkit[\\/]/ },
            { name: 'pdf-lib', test: /node_modules[\\/](pdf-lib|@pdf-lib[\\/]upng|pako)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': backend,
      '/healthz': backend,
      '/socket.io': { target: backend, ws: true },
    },
  },
});
