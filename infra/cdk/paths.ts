import { fileURLToPath } from 'node:url';

/** The repository root (holds package.json, functions/, workflows/), without a trailing slash. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
