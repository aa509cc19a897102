import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CognitoStaffDirectory } from '#adapters/cognito-directory';
import { LOCAL_USERS } from '#local/auth-issuer';
import { LOCAL_USER_POOL_ID, LocalUserStore } from '#local/user-store';

/**
 * The local user pool through the real Cognito client and the staff directory's adapter: the
 * operations it answers are the ones the adapter calls, with Cognito's shapes and error names.
 */
let dir: string;
let store: LocalUserStore;
let server: Server;
let directory: CognitoStaffDirectory;
const file = () => join(dir, 'auth', 'users.json');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stegvis-users-'));
  store = new LocalUserStore(file(), LOCAL_USERS);
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!(await store.handleCognitoApi(req, res, url))) res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const client = new CognitoIdentityProviderClient({
    region: 'eu-north-1',
    endpoint: `http://127.0.0.1:${port}/local-cognito`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  directory = new CognitoStaffDirectory(client, LOCAL_USER_POOL_ID);
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('the local user pool', () => {
  it('starts from the seeded users, each in their role, and keeps them in the data directory', async () => {
    const members = await directory.list();
    expect(members.map((m) => [m.sub, m.roles, m.enabled])).toEqual(
      LOCAL_USERS.map((u) => [u.sub, u.groups, true]),
    );
    expect(JSON.parse(readFileSync(file(), 'utf8'))).toHaveLength(LOCAL_USERS.length);
  });

  it('invites an account into its group; a second of the address is a duplicate', async () => {
    const r = await directory.invite({
      name: 'Nora Ny',
      email: 'nora@example.se',
      role: 'coordinator',
      organisation: 'skane-stadsmission',
    });
    expect(r).toEqual({ sub: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const sub = (r as { sub: string }).sub;
    expect((await directory.list()).find((m) => m.sub === sub)).toEqual({
      sub,
      name: 'Nora Ny',
      email: 'nora@example.se',
      roles: ['coordinator'],
      organisation: 'skane-stadsmission',
      enabled: true,
    });
    expect(
      await directory.invite({ name: 'N', email: 'NORA@example.se', role: 'admin', organisation: 'x-y' }),
    ).toEqual({ duplicate: true });
    // The organisation's name comes from the accounts of it (the local ID token carries it).
    expect(store.enabledUser(sub)?.organisationName).toBe('Skåne Stadsmission');
  });

  it('disables and enables: a disabled account cannot sign in, across a restart of the store', async () => {
    const sub = (await directory.list()).find((m) => m.email === 'nora@example.se')?.sub ?? '';
    await directory.setEnabled(sub, false);
    expect(store.enabledUser(sub)).toBeUndefined();
    const reopened = new LocalUserStore(file(), LOCAL_USERS);
    expect(reopened.enabledUser(sub)).toBeUndefined();
    expect(reopened.list().find((u) => u.sub === sub)?.enabled).toBe(false);
    await directory.setEnabled(sub, true);
    expect(store.enabledUser(sub)?.name).toBe('Nora Ny');
  });

  it('answers the global sign-out of a sign-out (AdminUserGlobalSignOut), for known accounts only', async () => {
    await expect(directory.signOut(LOCAL_USERS[0]?.sub ?? '')).resolves.toBeUndefined();
    await expect(directory.signOut('no-such-sub')).rejects.toMatchObject({ name: 'UserNotFoundException' });
  });

  it('answers an unknown account and a foreign pool with Cognito’s errors', async () => {
    await expect(directory.setEnabled('no-such-sub', false)).rejects.toMatchObject({
      name: 'UserNotFoundException',
    });
    const other = new CognitoStaffDirectory(
      (directory as unknown as { client: CognitoIdentityProviderClient }).client,
      'eu-north-1_other',
    );
    await expect(other.list()).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
