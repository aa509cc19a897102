import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/**
 * The local inbox keeps what was sent across restarts. aws-ses-v2-local holds its mail in memory
 * only; this wraps its store (the same module instance its server uses) so that every saved mail
 * is appended to a JSON-lines file in the data directory and read back at start, and clearing the
 * store (POST /clear-store) clears the file too.
 *
 * The store is an internal module of aws-ses-v2-local (pinned in package.json); a test
 * (test/integration/local-inbox.test.ts) fails if its shape changes.
 */
export interface SesLocalStore {
  saveEmail: (email: unknown) => void;
  clearStore: () => void;
  getStoreReadonly: () => { emails: unknown[] };
}

const require = createRequire(import.meta.url);
let patched = false;
let target: string | undefined;

export function persistLocalMail(file: string): { restored: number; store: SesLocalStore } {
  const store = require('aws-ses-v2-local/dist/store.js') as SesLocalStore;
  if (typeof store.saveEmail !== 'function' || typeof store.getStoreReadonly !== 'function')
    throw new Error('aws-ses-v2-local: its store module has changed; the local inbox cannot be kept');
  mkdirSync(dirname(file), { recursive: true });

  const emails = store.getStoreReadonly().emails;
  let restored = 0;
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        emails.push(JSON.parse(line));
        restored++;
      } catch {
        // A line cut short by a crash mid-write: the mails before and after it still count.
      }
    }
  }

  target = file;
  if (!patched) {
    patched = true;
    const save = store.saveEmail;
    const clear = store.clearStore;
    store.saveEmail = (email: unknown) => {
      if (target) appendFileSync(target, `${JSON.stringify(email)}\n`);
      save(email);
    };
    store.clearStore = () => {
      clear();
      if (target) writeFileSync(target, '');
    };
  }
  return { restored, store };
}
