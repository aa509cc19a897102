import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { ESBUILD_TARGET } from '../../infra/cdk/constructs/function.ts';

/**
 * Step Functions matches Retry/Catch on the errorType Lambda reports, which is `error.name`.
 * Bundled and minified as the CDK bundles Lambdas, every named error must keep its name.
 */
const ROOT = join(import.meta.dirname, '..', '..');
mkdirSync(join(ROOT, '.test-results'), { recursive: true });
const dir = mkdtempSync(join(ROOT, '.test-results', 'bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Lambda bundles', () => {
  // Without keepNames too: the names are literals, so no bundler setting can lose them.
  it.each([true, false])(
    'keep the names of the errors the ASL catches and retries (keepNames: %s)',
    async (keepNames) => {
      const entry = join(dir, 'entry.ts');
      writeFileSync(
        entry,
        [
          `import * as errors from '${join(ROOT, 'functions/core/errors.ts')}';`,
          `import { MailDeliveryError } from '${join(ROOT, 'functions/adapters/mail-port.ts')}';`,
          'export const names = [errors.StepAlreadyDone, errors.TransientError, errors.ConflictError, MailDeliveryError]',
          "  .map((E) => new E('x').name);",
        ].join('\n'),
      );
      const out = join(dir, `index-${keepNames}.mjs`);
      await build({
        entryPoints: [entry],
        outfile: out,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: ESBUILD_TARGET,
        minify: true,
        keepNames,
        external: ['@aws-sdk/*'],
        logLevel: 'silent',
      });
      const { names } = (await import(pathToFileURL(out).href)) as { names: string[] };
      expect(names).toEqual(['StepAlreadyDone', 'TransientError', 'ConflictError', 'MailDeliveryError']);
    },
  );
});
