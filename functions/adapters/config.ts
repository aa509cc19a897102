import * as z from 'zod/mini';

/**
 * Runtime configuration, parsed once per cold start from the environment. Missing or malformed
 * values fail loudly here, never deep inside a use case. Domain code receives values, never reads
 * `process.env`.
 */
const ConfigSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  PLACEMENT_STATE_MACHINE_ARN: z.string().check(z.minLength(1)),
  MAIL_FROM: z.string().check(z.minLength(3)),
  SES_CONFIGURATION_SET: z.optional(z.string()),
  /** Base URL of the web app, used for links in e-mails and OAuth redirects. */
  PUBLIC_BASE_URL: z.string().check(z.minLength(1)),
  /** OIDC issuer whose ID tokens sign users in (Cognito user pool, or the local host's issuer). */
  AUTH_ISSUER: z.string().check(z.minLength(1)),
  AUTH_JWKS_URI: z.string().check(z.minLength(1)),
  AUTH_CLIENT_ID: z.string().check(z.minLength(1)),
  /** Base of the OAuth2 endpoints: `${AUTH_DOMAIN}/oauth2/authorize` and `/oauth2/token`. */
  AUTH_DOMAIN: z.string().check(z.minLength(1)),
  /**
   * The user pool of staff accounts (the admin console's staff pages). Only the staff handler uses
   * it; on the local host its Cognito API is the local issuer's (AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER).
   */
  USER_POOL_ID: z.optional(z.string().check(z.minLength(1))),
  /** Local host only: run time this many times faster (see README). */
  STEGVIS_TIME_SCALE: z.optional(z.string()),
  STEGVIS_TIME_ANCHOR: z.optional(z.string()),
});

export type Config = z.infer<typeof ConfigSchema>;

let cached: Config | undefined;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  if (cached && env === process.env) return cached;
  const parsed = z.safeParse(ConfigSchema, env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`Stegvis configuration is missing or invalid: ${fields}`);
  }
  if (env === process.env) cached = parsed.data;
  return parsed.data;
}

/** For tests that change the environment between cases. */
export function resetConfigCache() {
  cached = undefined;
}
