import { defineConfig } from 'vitest/config';

/**
 * Nothing a test starts outlives it: a registry of the local hosts the tests start, killed by the
 * global teardown, and a hook after every file that stops those its tests left running (see
 * test/support/host.ts). Exported for test/integration/process-cleanup.test.ts.
 */
export const hostCleanup = {
  globalSetup: ['test/setup/host-registry.ts'],
  setupFiles: ['test/setup/host-cleanup.ts'],
};

// One vitest project per layer (see README "Tests"), on two workers (CI's two cores): first the
// layers without a host; then integration, e2e and the quick proof, which boot the real local host
// (each file its own, on its own ports and data folder): at most two hosts run at once.
export default defineConfig({
  test: {
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxWorkers: 2,
    ...hostCleanup,
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: '.test-results/vitest.json' }]]
      : ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 180_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'workflows',
          include: ['test/workflows/**/*.test.ts'],
          testTimeout: 60_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        // `npm run proof -- --quick`: boots its own host; the full proof is `npm run proof`.
        test: {
          name: 'proof',
          include: ['test/proof/**/*.test.ts'],
          testTimeout: 600_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
