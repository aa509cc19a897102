import { Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type HttpHandlerName, type RouteDef, routeKey } from '#functions/routes';
import { acknowledge } from '../nag.ts';
import { LOG_RETENTION } from './function.ts';

export interface StegvisApiProps {
  /** Steady-state requests per second of the whole stage. @default 50 */
  readonly rateLimit?: number;
  /** Burst of the whole stage. @default 100 */
  readonly burstLimit?: number;
}

/**
 * Access log fields (HTTP API `$context` variables). No query strings, headers or bodies: those may
 * carry personal data. The source IP is kept for abuse investigation, one month like every log.
 */
const ACCESS_LOG_FORMAT = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTimeEpoch',
  ip: '$context.identity.sourceIp',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatencyMs: '$context.integration.latency',
  integrationError: '$context.integrationErrorMessage',
  authorizerStatus: '$context.authorizer.status',
  authorizerLatencyMs: '$context.authorizer.latency',
  authorizerError: '$context.authorizer.error',
};

/**
 * The HTTP API (API Gateway v2): one `$default` stage with auto deploy, stage-wide throttling and
 * JSON access logs. Routes come from the route table (functions/routes.ts) through `addRoutes`.
 */
export class StegvisApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  /** Route key (`GET /cases/{caseId}`) → route. */
  readonly routes = new Map<string, HttpRoute>();

  constructor(scope: Construct, id: string, props: StegvisApiProps = {}) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Stegvis web app and JSON API',
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: LOG_RETENTION });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 50, burstLimit: props.burstLimit ?? 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FORMAT)),
      },
    });
  }

  /** `https://<apiId>.execute-api.<region>.amazonaws.com`, no trailing slash (PUBLIC_BASE_URL). */
  get endpoint(): string {
    return this.httpApi.apiEndpoint;
  }

  /**
   * One route per route-table entry, integrated with its handler's function. Routes that are not
   * public go through the session authorizer: a Lambda REQUEST authorizer with simple responses,
   * no identity source and no caching, so it runs on every request, with or without a cookie (a
   * page without a session must redirect to sign-in, which only code can decide; an identity
   * source would make API Gateway answer 401 itself when the cookie is missing).
   */
  addRoutes(
    routes: readonly RouteDef[],
    handlers: Record<HttpHandlerName, IFunction>,
    authorizerFunction: IFunction,
  ): void {
    const authorizer = new HttpLambdaAuthorizer('SessionAuthorizer', authorizerFunction, {
      authorizerName: 'session',
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: [],
      resultsCacheTtl: Duration.seconds(0),
    });
    const integrations = new Map<HttpHandlerName, HttpLambdaIntegration>();
    for (const route of routes) {
      const key = routeKey(route);
      if (this.routes.has(key)) throw new Error(`Duplicate route ${key} in the route table`);
      let integration = integrations.get(route.handler);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.handler}-integration`, handlers[route.handler]);
        integrations.set(route.handler, integration);
      }
      const httpRoute = new HttpRoute(this, `Route ${key.replace(/\//g, '|')}`, {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration,
        authorizer: route.roles === 'public' ? undefined : authorizer,
      });
      if (route.roles === 'public') {
        acknowledge(
          httpRoute,
          'AwsSolutions-APIG4',
          `${key} is part of the sign-in flow (OAuth login, callback, logout) and must be reachable without a ` +
            'session; the handler checks the OAuth state cookie and the ID token itself.',
        );
      }
      this.routes.set(key, httpRoute);
    }
  }
}
