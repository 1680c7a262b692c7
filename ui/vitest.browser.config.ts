import { defineConfig } from "vitest/config";

// Browser tests: Vitest in Node drives Debian's Chromium (playwright-core) against the mock
// bundle in dist-mock/ (`npm run test:browser` builds it first).
export default defineConfig({
  test: {
    include: ["tests/browser/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 240_000,
    // One Chromium at a time: the machine has two cores.
    fileParallelism: false,
  },
});
