import { defineConfig } from "vitest/config";

// Browser tests: Vitest in Node drives Debian's Chromium (playwright-core) against the mock
// bundle in dist-mock/ (`npm run test:browser` builds it first).
export default defineConfig({
  test: {
    include: ["tests/browser/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    // Lazy pages and panels load their chunk and styles first: wait as long as playwright's
    // own default (10 s) instead of expect.poll's 1 s, so a busy 2-core machine does not flake.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 240_000,
    // One Chromium at a time: the machine has two cores.
    fileParallelism: false,
  },
});
