import { defineConfig } from 'vitest/config';
import { watVitePlugin } from './scripts/wat.mjs';

export default defineConfig({
  plugins: [watVitePlugin()],
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
