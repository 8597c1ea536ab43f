import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

export default defineConfig({
  // Relative asset URLs: the page works wherever the static host mounts it (hash routing does the rest).
  base: './',
  plugins: [preact()],
  resolve: {
    // Plans, costs and packs come from `functions/config.ts`, the one place that knows them; its zod
    // environment schema is server-only, so its zod (`#zod`, functions/zod.ts) is swapped for an inert
    // stub instead of shipping it.
    alias: { '#zod': fileURLToPath(new URL('./src/zod-stub.ts', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
});
