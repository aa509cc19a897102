import { afterAll } from 'vitest';
import { stopAllTestHosts } from '../support/host.ts';

// After every test file: stop the hosts its tests did not stop, e.g. when a beforeAll threw after
// starting one (the file's own afterAll then has no host to stop). Setup files' hooks are
// registered first, so this runs after the file's own afterAll.
afterAll(stopAllTestHosts, 60_000);
