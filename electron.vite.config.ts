import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

// One build for both transports: `out/main/index.js` is the Electron shell,
// `out/main/headless.js` the plain-Node entry that serves the same renderer over HTTP.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve('src-main/electron/main.ts'),
          headless: resolve('src-main/headless/main.ts'),
          // The store's search runs in this worker thread (core/store/search-scanner.ts finds it beside the bundle).
          'search-worker': resolve('src-main/core/store/search-worker.ts'),
        },
      },
    },
  },
  preload: {
    // A sandboxed preload cannot be an ES module: emit one CommonJS file.
    build: {
      rollupOptions: {
        input: { index: resolve('src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src-renderer'),
    // `@shared/…` is src-main/shared, the one part of the main side the renderer may import (the
    // same alias is in tsconfig.web.json for the type checker and in vitest.config.ts for tests).
    resolve: { alias: { '@shared': resolve('src-main/shared') } },
    build: {
      minify: true,
      rollupOptions: { input: resolve('src-renderer/index.html') },
    },
    plugins: [react()],
  },
})
