import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin } from 'vite';
import { META_CONTENT_SECURITY_POLICY } from './src-main/app-protocol';

/** The renderer's CSP also as a <meta> in the built page (main sends it as a header too). */
const cspMeta: Plugin = {
  name: 'luxfuse-csp-meta',
  transformIndexHtml: {
    order: 'post',
    handler: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
  },
};

// The design card's layout (src-main, src-preload, src-renderer) instead of electron-vite's src/*,
// so every entry is named here.
export default defineConfig({
  main: {
    build: {
      rolldownOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src-main/index.ts'),
          // The engine thread (ProjectService in a worker): decoding and merging never block the main process.
          'project-worker': resolve(import.meta.dirname, 'src-main/services/project-worker.ts'),
          // Its compute workers (src-main/compute/compute-pool.ts): display images encoded on the other cores.
          'compute-worker': resolve(import.meta.dirname, 'src-main/compute/compute-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload runs as a classic script: one CommonJS file, dependencies bundled in.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src-renderer'),
    plugins: [svelte(), cspMeta],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src-renderer/index.html') },
      },
    },
  },
});
