import { resolve } from 'node:path';
import { defineConfig, type UserConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

/** The renderer's build, shared with electron.vite.config.ts so the desktop app and web mode get one bundle. */
export const rendererConfig = {
  root: resolve(__dirname, 'src/renderer'),
  base: './',
  plugins: [vue()],
  // ECharts makes one ~700 kB chunk; it loads from this machine, so the size warning is noise.
  build: { chunkSizeWarningLimit: 1024 },
} satisfies UserConfig;

// `npm run build:renderer` (and `npm run web`): only the renderer, into out/renderer, where `lsr web` serves
// it from, without building main and preload.
export default defineConfig({
  ...rendererConfig,
  build: { ...rendererConfig.build, outDir: resolve(__dirname, 'out/renderer'), emptyOutDir: true },
});
