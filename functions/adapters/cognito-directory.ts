import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  type AdminCreateUserCommandOutput,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminUserGlobalSignOutCommand,
  type AttributeType,
  CognitoIdentityProviderClient,
  ListUsersCommand,
  ListUsersInGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  type AccountSignOut,
  STAFF_ROLES,
  type StaffDirectory,
  type StaffInvite,
  type StaffMember,
  type StaffRole,
} from '#core/ports';

/**
 * The StaffDirectory on a Cognito user pool. The same code serves both hosts: on AWS the client
 * reaches Cognito; on the local host AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER points it at the
 * local issuer's user store, which answers these operations (infra/local/user-store.ts).
 *
 * Operations (and so the IAM actions the staff handler is granted): ListUsers, ListUsersInGroup,
 * AdminCreateUser, AdminAddUserToGroup, AdminDisableUser, AdminEnableUser, AdminUserGlobalSignOut.
 */
export function createCognitoClient() {
  return new CognitoIdentityProviderClient({
    maxAttempts: 3,
    requestHandler: { requestTimeout: 5_000, connectionTimeout: 2_000, throwOnRequestTimeout: true },
  });
}

const attr = (attrs: AttributeType[] | undefined, name: string) =>
  attrs?.find((a) => a.Name === name)?.Value ?? '';

export class CognitoStaffDirectory implements StaffDirectory, AccountSignOut {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  async list(): Promise<StaffMember[]> {
    const members = new Map<string, StaffMember>();
    let token: string | undefined;
    do {
      const out = await this.client.send(
        new ListUsersCommand({ UserPoolId: this.userPoolId, Limit: 60, PaginationToken: token }),
      );
      for (const u of out.Users ?? []) {
        const sub = attr(u.Attributes, 'sub') || u.Username || '';
        if (!sub) continue;
        members.set(u.Username ?? sub, {
          sub,
          name: attr(u.Attributes, 'name') || attr(u.Attributes, 'email'),
          email: attr(u.Attributes, 'email'),
          roles: [],
          organisation: attr(u.Attributes, 'custom:organisation'),
          enabled: u.Enabled !== false,
        });
      }
      token = out.PaginationToken;
    } while (token);
    for (const role of STAFF_ROLES) {
      let next: string | undefined;
      do {
        const out = await this.client.send(
          new ListUsersInGroupCommand({
            UserPoolId: this.userPoolId,
            GroupName: role,
            Limit: 60,
            NextToken: next,
          }),
        );
        for (const u of out.Users ?? []) members.get(u.Username ?? '')?.roles.push(role as StaffRole);
        next = out.NextToken;
      } while (next);
    }
    return [...members.values()];
  }

  async invite(i: StaffInvite): Promise<{ sub: string } | { duplicate: true }> {
    let created: AdminCreateUserCommandOutput;
    try {
      created = await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: i.email,
          UserAttributes: [
            { Name: 'email', Value: i.email },
            { Name: 'email_verified', Value: 'true' },
            { Name: 'name', Value: i.name },
            { Name: 'custom:organisation', Value: i.organisation },
          ],
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
    } catch (err) {
      if ((err as Error).name === 'UsernameExistsException' || (err as Error).name === 'AliasExistsException')
        return { duplicate: true };
      throw err;
    }
    const sub = attr(created.User?.Attributes, 'sub') || created.User?.Username || '';
    if (!sub) throw new Error('The directory created an account without an id');
    await this.client.send(
      new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: sub, GroupName: i.role }),
    );
    return { sub };
  }

  async setEnabled(sub: string, enabled: boolean): Promise<void> {
    const key = { UserPoolId: this.userPoolId, Username: sub };
    if (enabled) {
      await this.client.send(new AdminEnableUserCommand(key));
      return;
    }
    await this.client.send(new AdminDisableUserCommand(key));
    // Refresh tokens revoked: no new ID token is issued (the authorizer refuses the current one).
    await this.client.send(new AdminUserGlobalSignOutCommand(key));
  }

  /** Sign-out: the account's refresh tokens are revoked everywhere (the auth handler, on POST /auth/logout). */
  async signOut(sub: string): Promise<void> {
    await this.client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: this.userPoolId, Username: sub }));
  }
}
