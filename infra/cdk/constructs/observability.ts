import { Duration } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BUSINESS_METRICS, METRICS_NAMESPACE } from '#adapters/metrics';
import { SERVICE_NAME } from './function.ts';

/** A business metric the handlers count with Powertools (service dimension only). */
const business = (name: string, period: Duration) =>
  new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: SERVICE_NAME },
    statistic: 'Sum',
    period,
  });
/** Every series of a business metric split by its dimensions (Decisions by action and decision, Closings by outcome). */
const businessSearch = (name: string, dims: string[], period: Duration) =>
  new MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},${[...dims, 'service'].join(',')}} MetricName="${name}"', 'Sum', ${period.toSeconds()})`,
    label: name,
    period,
  });

export interface StegvisObservabilityProps {
  /** Readable name → function (`http/cases`, `tasks/load-case`, …). */
  readonly functions: ReadonlyMap<string, IFunction>;
  /** Workflow name → state machine. */
  readonly stateMachines: Readonly<Record<string, IStateMachine>>;
  readonly apiStage: HttpStage;
  /** Subscribe this address to the alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
}

const PERIOD = Duration.minutes(5);

/**
 * Alarms (any failed or timed-out execution, any Lambda error, any API 5xx) on one SNS topic, and a
 * dashboard with the same signals plus traffic and latency.
 */
export class StegvisObservability extends Construct {
  readonly alarmTopic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: StegvisObservabilityProps) {
    super(scope, id);
    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'Stegvis alarms', enforceSSL: true });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.alarmTopic);

    const alarm = (alarmId: string, metric: IMetric, description: string) => {
      const a = new Alarm(this, alarmId, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms.push(a);
      return a;
    };

    for (const [name, machine] of Object.entries(props.stateMachines)) {
      alarm(
        `${name}-executions-failed`,
        machine.metricFailed({ period: PERIOD, statistic: 'Sum' }),
        `A ${name} workflow execution failed: see the admin runs page or the state machine's log group.`,
      );
      alarm(
        `${name}-executions-timed-out`,
        machine.metricTimedOut({ period: PERIOD, statistic: 'Sum' }),
        `A ${name} workflow execution timed out.`,
      );
    }
    for (const [name, fn] of props.functions) {
      alarm(
        `${name.replace(/\//g, '-')}-errors`,
        fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
        `The Lambda function ${name} threw or timed out.`,
      );
    }
    alarm(
      'api-5xx',
      props.apiStage.metricServerError({ period: PERIOD, statistic: 'Sum' }),
      'The HTTP API answered 5xx (a handler or the authorizer failed).',
    );

    // Throttled Lambda invocations in the account (the stack's functions are its only ones): one alarm.
    const throttles = new Metric({
      namespace: 'AWS/Lambda',
      metricName: 'Throttles',
      statistic: 'Sum',
      period: PERIOD,
    });
    alarm('lambda-throttles', throttles, 'A Lambda function was throttled (its concurrency ran out).');
    // SES sending reputation (account-wide, published by SES): act before SES pauses sending.
    const sesRate = (metricName: string, threshold: number, what: string) => {
      const a = new Alarm(this, `ses-${metricName.replace(/\W/g, '-')}`, {
        metric: new Metric({
          namespace: 'AWS/SES',
          metricName,
          statistic: 'Maximum',
          period: Duration.hours(1),
        }),
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `The SES ${what} rate reached ${threshold * 100} %: check the addresses on the coordinators' lists.`,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms.push(a);
    };
    sesRate('Reputation.BounceRate', 0.05, 'bounce');
    sesRate('Reputation.ComplaintRate', 0.001, 'complaint');
    // A step that failed for good (shown on the coordinator's list) raises an alarm too.
    alarm(
      'permanent-failures',
      business('PermanentFailures', PERIOD),
      'A workflow step failed for good on a case: the coordinator sees it on "To do".',
    );

    const fnMetrics = (pick: (fn: IFunction) => Metric) =>
      [...props.functions].map(([name, fn]) => pick(fn).with({ label: name, period: PERIOD }));
    const machines = Object.entries(props.stateMachines);
    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(1) });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'HTTP API requests and errors',
        left: [
          props.apiStage.metricCount({ period: PERIOD, statistic: 'Sum', label: 'requests' }),
          props.apiStage.metricClientError({ period: PERIOD, statistic: 'Sum', label: '4xx' }),
          props.apiStage.metricServerError({ period: PERIOD, statistic: 'Sum', label: '5xx' }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'HTTP API latency (p90)',
        left: [
          props.apiStage.metricLatency({ period: PERIOD, statistic: 'p90', label: 'latency' }),
          props.apiStage.metricIntegrationLatency({ period: PERIOD, statistic: 'p90', label: 'integration' }),
        ],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Workflow executions',
        left: machines.flatMap(([name, m]) => [
          m.metricStarted({ period: PERIOD, statistic: 'Sum', label: `${name} started` }),
          m.metricSucceeded({ period: PERIOD, statistic: 'Sum', label: `${name} succeeded` }),
          m.metricFailed({ period: PERIOD, statistic: 'Sum', label: `${name} failed` }),
          m.metricTimedOut({ period: PERIOD, statistic: 'Sum', label: `${name} timed out` }),
        ]),
        width: 12,
      }),
      new GraphWidget({
        title: 'Lambda errors',
        left: fnMetrics((fn) => fn.metricErrors({ statistic: 'Sum' })),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda duration (p90)',
        left: fnMetrics((fn) => fn.metricDuration({ statistic: 'p90' })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Lambda throttles and total invocations',
        left: fnMetrics((fn) => fn.metricThrottles({ statistic: 'Sum' })),
        right: [
          new MathExpression({
            expression: [...props.functions.keys()].map((_, i) => `i${i}`).join(' + ') || '0',
            usingMetrics: Object.fromEntries(
              [...props.functions.values()].map((fn, i) => [
                `i${i}`,
                fn.metricInvocations({ statistic: 'Sum', period: PERIOD }),
              ]),
            ),
            label: 'invocations',
            period: PERIOD,
          }),
        ],
        width: 12,
      }),
    );
    const DAY = Duration.days(1);
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Placements: referrals, invitations, reminders, escalations (per day)',
        left: ['Referrals', 'Invitations', 'Reminders', 'Escalations'].map((m) => business(m, DAY)),
        width: 12,
      }),
      new SingleValueWidget({
        title: 'Last 24 hours',
        metrics: BUSINESS_METRICS.filter((m) => m !== 'Decisions' && m !== 'Closings').map((m) =>
          business(m, DAY),
        ),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Decisions by kind (per day)',
        left: [businessSearch('Decisions', ['action', 'decision'], DAY)],
        width: 12,
      }),
      new GraphWidget({
        title: 'Closings by outcome (per day)',
        left: [businessSearch('Closings', ['outcome'], DAY)],
        width: 12,
      }),
    );
  }
}
