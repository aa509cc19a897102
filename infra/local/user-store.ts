import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname } from 'node:path';

/**
 * The local host's user pool: the people who can sign in at the local issuer, kept in the data
 * directory (`auth/users.json`, seeded from infra/local/seed/users.json on first start). It answers
 * the part of the Cognito Identity Provider API the staff directory uses, at `/local-cognito`
 * (AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER), so the same Cognito adapter runs on both hosts.
 */
export interface LocalUser {
  sub: string;
  email: string;
  name: string;
  groups: string[];
  organisation: string;
  organisationName: string;
  /** Absent in the seed: enabled. */
  enabled?: boolean;
  createdAt?: string;
}

export const LOCAL_USER_POOL_ID = 'eu-north-1_local';

export class LocalUserStore {
  private users: LocalUser[];
  constructor(
    private readonly file: string,
    seed: readonly LocalUser[],
  ) {
    this.users = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as LocalUser[])
      : seed.map((u) => ({ ...u, enabled: true }));
    if (!existsSync(file)) this.save();
  }

  private save() {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.users, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  list(): LocalUser[] {
    return this.users.map((u) => ({ ...u, groups: [...u.groups] }));
  }

  /** A user who may sign in now. */
  enabledUser(sub: string | null | undefined): LocalUser | undefined {
    const u = this.users.find((x) => x.sub === sub);
    return u && u.enabled !== false ? { ...u, groups: [...u.groups] } : undefined;
  }

  /** By sub or e-mail (Cognito accepts either as Username in a pool signing in by e-mail). */
  private find(username: string): LocalUser | undefined {
    const key = username.toLowerCase();
    return this.users.find((u) => u.sub === username || u.email.toLowerCase() === key);
  }

  create(o: { email: string; name: string; organisation: string }): LocalUser | 'exists' {
    if (this.find(o.email)) return 'exists';
    // The organisation's name as other accounts of it carry it (the local issuer puts it in the token).
    const known = this.users.find((u) => u.organisation === o.organisation)?.organisationName;
    const user: LocalUser = {
      sub: randomUUID(),
      email: o.email.toLowerCase(),
      name: o.name,
      groups: [],
      organisation: o.organisation,
      organisationName: known ?? o.organisation,
      enabled: true,
      createdAt: new Date().toISOString(),
    };
    this.users.push(user);
    this.save();
    return { ...user };
  }

  update(username: string, change: (u: LocalUser) => void): boolean {
    const u = this.find(username);
    if (!u) return false;
    change(u);
    this.save();
    return true;
  }

  /** The Cognito Identity Provider API (JSON 1.1) for the operations the staff directory calls. */
  async handleCognitoApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (!url.pathname.startsWith('/local-cognito')) return false;
    const reply = (status: number, body: unknown, errorType?: string) => {
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      });
      res.end(JSON.stringify(body));
    };
    const fail = (type: string, message: string, status = 400) =>
      reply(status, { __type: type, message }, type);
    // Only this machine's own processes (the handlers) may manage accounts.
    const from = req.socket.remoteAddress ?? '';
    if (!['127.0.0.1', '::1', '::ffff:127.0.0.1', req.socket.localAddress].includes(from)) {
      fail('NotAuthorizedException', 'Local user pool: loopback only', 403);
      return true;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.replace(/^AWSCognitoIdentityProviderService\./, '');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      fail('InvalidParameterException', 'Body is not JSON');
      return true;
    }
    if (req.method !== 'POST' || !target.startsWith('AWSCognitoIdentityProviderService.')) {
      fail('UnknownOperationException', 'Not a Cognito operation');
      return true;
    }
    if (input.UserPoolId !== LOCAL_USER_POOL_ID) {
      fail('ResourceNotFoundException', 'User pool not found');
      return true;
    }
    const username = String(input.Username ?? '');
    const cognitoUser = (u: LocalUser) => ({
      Username: u.sub,
      Enabled: u.enabled !== false,
      UserStatus: 'CONFIRMED',
      Attributes: [
        { Name: 'sub', Value: u.sub },
        { Name: 'email', Value: u.email },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'name', Value: u.name },
        { Name: 'custom:organisation', Value: u.organisation },
      ],
    });
    // Pages of 60 as Cognito's limit; the token is the next index.
    const paged = (users: LocalUser[], token: unknown) => {
      const start = Number(token ?? 0) || 0;
      const limit = Math.min(Number(input.Limit ?? 60) || 60, 60);
      const page = users.slice(start, start + limit);
      return {
        page: page.map(cognitoUser),
        next: start + limit < users.length ? String(start + limit) : undefined,
      };
    };
    switch (op) {
      case 'ListUsers': {
        const { page, next } = paged(this.users, input.PaginationToken);
        reply(200, { Users: page, ...(next ? { PaginationToken: next } : {}) });
        break;
      }
      case 'ListUsersInGroup': {
        const group = String(input.GroupName ?? '');
        const { page, next } = paged(
          this.users.filter((u) => u.groups.includes(group)),
          input.NextToken,
        );
        reply(200, { Users: page, ...(next ? { NextToken: next } : {}) });
        break;
      }
      case 'AdminCreateUser': {
        const attrs = new Map(
          ((input.UserAttributes ?? []) as { Name: string; Value: string }[]).map((a) => [a.Name, a.Value]),
        );
        const created = this.create({
          email: attrs.get('email') ?? username,
          name: attrs.get('name') ?? '',
          organisation: attrs.get('custom:organisation') ?? '',
        });
        if (created === 'exists')
          fail('UsernameExistsException', 'An account with the given email already exists.');
        else reply(200, { User: cognitoUser(created) });
        break;
      }
      case 'AdminAddUserToGroup': {
        const group = String(input.GroupName ?? '');
        if (!['referrer', 'supervisor', 'coordinator', 'admin'].includes(group))
          fail('ResourceNotFoundException', 'Group not found');
        else if (!this.update(username, (u) => u.groups.includes(group) || u.groups.push(group)))
          fail('UserNotFoundException', 'User does not exist.');
        else reply(200, {});
        break;
      }
      case 'AdminDisableUser':
      case 'AdminEnableUser': {
        const enabled = op === 'AdminEnableUser';
        if (!this.update(username, (u) => (u.enabled = enabled)))
          fail('UserNotFoundException', 'User does not exist.');
        else reply(200, {});
        break;
      }
      case 'AdminUserGlobalSignOut':
        // The local issuer gives no refresh tokens: nothing to revoke beyond the disabled mark.
        if (!this.users.some((u) => u.sub === username || u.email === username.toLowerCase()))
          fail('UserNotFoundException', 'User does not exist.');
        else reply(200, {});
        break;
      default:
        fail('UnknownOperationException', `${op} is not served by the local user pool`);
    }
    return true;
  }
}
