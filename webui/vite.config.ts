/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// The server embeds dist/ and serves it from the page's own origin over plain
// http:// on a LAN, so: no external requests, an old-enough syntax target for
// Safari iOS 15 and Chrome on Android 10, and hashed assets under dist/assets/.
export default defineConfig({
  esbuild: {
    jsx: 'automatic',
    jsxImportSource: 'preact',
  },
  build: {
    target: ['es2019', 'safari15', 'chrome87'],
    cssTarget: ['safari15', 'chrome87'],
    outDir: 'dist',
    assetsDir: 'assets',
    assetsInlineLimit: 4096,
    sourcemap: false,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  server: {
    // `npm run dev` talks to a running mock or real server on 8765.
    proxy: {
      '/api': 'http://127.0.0.1:8765',
      '/ws': { target: 'ws://127.0.0.1:8765', ws: true },
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
