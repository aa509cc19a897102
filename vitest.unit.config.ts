import { defineConfig } from 'vitest/config';

// The unit tests alone, for mutation testing (`npm run mutation`): StrykerJS runs this config
// for every mutant, so it must not boot hosts or browsers.
export default defineConfig({
  test: {
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    include: ['test/unit/**/*.test.ts'],
  },
});
