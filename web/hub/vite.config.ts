// Builds the Hub (web component + Auth Link page) into one self-contained IIFE script:
// web/dist/hub/hub.js, served by Linkhub at /hub.js. Preact via esbuild's automatic JSX runtime.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  publicDir: false,
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact', legalComments: 'none' },
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: here('../dist/hub'),
    // one output file, overwritten in place: a concurrent reader never finds web/dist/hub/ empty
    emptyOutDir: false,
    target: 'es2020',
    minify: 'esbuild',
    sourcemap: false,
    reportCompressedSize: false,
    lib: {
      entry: here('src/main.tsx'),
      formats: ['iife'],
      name: 'LinkhubHub',
      fileName: () => 'hub.js',
    },
  },
});
