import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  ClientAttributes,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES } from '#functions/routes';
import { acknowledge } from '../nag.ts';

export interface StegvisAuthProps {
  /** Base URL of the web app (the HTTP API endpoint), without a trailing slash. */
  readonly publicBaseUrl: string;
  /** Prefix of the Cognito domain `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly domainPrefix: string;
  /**
   * `plus` adds Cognito threat protection (compromised-credential checks, adaptive authentication)
   * in enforcing mode; `essentials` is cheaper and has none.
   * @default 'plus'
   */
  readonly featurePlan?: 'plus' | 'essentials';
}

/** Highest privilege first: Cognito puts the lowest precedence in `cognito:preferred_role`. */
const GROUP_PRECEDENCE: Record<(typeof ROLES)[number], number> = {
  admin: 0,
  coordinator: 1,
  supervisor: 2,
  referrer: 3,
};

/**
 * Cognito sign-in for staff and referrers: no self sign-up (accounts are created by an admin),
 * e-mail as user name, strong passwords, optional TOTP MFA, one group per role of the route table,
 * the custom attribute `organisation`, managed login pages on a Cognito domain and one public
 * (secret-less) app client using the authorization code grant.
 */
export class StegvisAuth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly domain: UserPoolDomain;
  /** `https://cognito-idp.<region>.amazonaws.com/<userPoolId>` */
  readonly issuer: string;
  readonly jwksUri: string;
  /** `https://<prefix>.auth.<region>.amazoncognito.com` */
  readonly domainBaseUrl: string;

  constructor(scope: Construct, id: string, props: StegvisAuthProps) {
    super(scope, id);
    const plus = (props.featurePlan ?? 'plus') === 'plus';

    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: false, mutable: true },
      },
      customAttributes: {
        organisation: new StringAttribute({ mutable: true, minLen: 1, maxLen: 256 }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: plus ? FeaturePlan.PLUS : FeaturePlan.ESSENTIALS,
      standardThreatProtectionMode: plus ? StandardThreatProtectionMode.FULL_FUNCTION : undefined,
      userInvitation: {
        emailSubject: 'Ditt konto i Stegvis',
        emailBody:
          'Hej! Du har fått ett konto i Stegvis. Logga in med din e-postadress {username} och det ' +
          'tillfälliga lösenordet {####}. Du väljer ett eget lösenord första gången du loggar in.',
      },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    acknowledge(
      this.userPool,
      'AwsSolutions-COG2',
      'MFA is optional (TOTP) by product decision: referrers are case officers of external authorities who ' +
        'sign in rarely; admins and coordinators are expected to enrol TOTP, and passwords are 12+ characters.',
    );
    if (!plus) {
      acknowledge(
        this.userPool,
        'AwsSolutions-COG8',
        'Deployed with context authFeaturePlan=essentials: the operator chose the Essentials tier (no threat ' +
          'protection) for cost; the default deployment uses the Plus tier with threat protection enforced.',
      );
    }

    for (const role of ROLES) {
      this.userPool.addGroup(`Group-${role}`, {
        groupName: role,
        description: `Stegvis role ${role}; the session authorizer maps cognito:groups to route roles`,
        precedence: GROUP_PRECEDENCE[role],
      });
    }

    // Managed login (not the classic hosted UI): it honours the `lang` parameter the auth handler sends.
    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });

    this.client = this.userPool.addClient('WebClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [`${props.publicBaseUrl}/auth/callback`],
        logoutUrls: [`${props.publicBaseUrl}/`],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      // Users may not change their own organisation (it decides which cases they see).
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
    });

    // Managed login shows an error page to clients without a branding style: use Cognito's default look.
    const branding = new CfnManagedLoginBranding(this, 'LoginBranding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    branding.node.addDependency(this.domain);

    const region = Stack.of(this).region;
    this.issuer = `https://cognito-idp.${region}.amazonaws.com/${this.userPool.userPoolId}`;
    this.jwksUri = `${this.issuer}/.well-known/jwks.json`;
    this.domainBaseUrl = this.domain.baseUrl();
  }

  /** AUTH_ISSUER, AUTH_JWKS_URI, AUTH_CLIENT_ID, AUTH_DOMAIN, as functions/adapters/config.ts reads them. */
  get environment(): Record<string, string> {
    return {
      AUTH_ISSUER: this.issuer,
      AUTH_JWKS_URI: this.jwksUri,
      AUTH_CLIENT_ID: this.client.userPoolClientId,
      AUTH_DOMAIN: this.domainBaseUrl,
    };
  }
}
