import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { FOLLOW_UP_DECISIONS, OUTCOMES, type Outcome, STUDY_VISIT_OUTCOMES } from '#core/case';
import { logger } from './logger.ts';

/** The CloudWatch namespace of the business metrics (the CDK's dashboard and alarms read it too). */
export const METRICS_NAMESPACE = 'Stegvis';

/** What Stegvis counts, one data point per event. */
export const BUSINESS_METRICS = [
  'Referrals',
  'Invitations',
  'Reminders',
  'Escalations',
  'Decisions',
  'Closings',
  'PermanentFailures',
] as const;
export type BusinessMetric = (typeof BUSINESS_METRICS)[number];

/** The decisions people take, by the action that records them: the `Decisions` metric's dimensions. */
export const DECISIONS = {
  decideIntake: ['accepted', 'declined'],
  recordStudyVisitOutcome: STUDY_VISIT_OUTCOMES,
  recordFollowUp: FOLLOW_UP_DECISIONS,
} as const;
export type DecisionAction = keyof typeof DECISIONS;

/** `Closings` is split by the outcome category recorded at the closing meeting. */
export const CLOSING_OUTCOMES: readonly Outcome[] = OUTCOMES;

/**
 * Dimensions are fixed vocabularies only (an outcome category, an action and its decision):
 * never ids, names, addresses or free text. Each combination is its own CloudWatch metric.
 */
export type MetricDimensions =
  | { outcome: Outcome }
  | { [A in DecisionAction]: { action: A; decision: (typeof DECISIONS)[A][number] } }[DecisionAction];

/** Powertools warns on every flush that has nothing to publish; most invocations count nothing. */
const metricsLogger = {
  debug: (message: unknown) => logger.debug(String(message)),
  info: (message: unknown) => logger.info(String(message)),
  warn: (message: unknown) => {
    if (!String(message).startsWith('No application metrics to publish')) logger.warn(String(message));
  },
  error: (message: unknown) => logger.error(String(message)),
};

/**
 * The one metrics instance, flushed once per invocation by the `logMetrics` middleware of the
 * handler kits (http/kit.ts, tasks/kit.ts) as CloudWatch Embedded Metric Format on stdout.
 * POWERTOOLS_METRICS_DISABLED=true (the local host sets it) keeps it silent.
 */
export const metrics = new Metrics({
  namespace: METRICS_NAMESPACE,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'stegvis',
  logger: metricsLogger,
});

/**
 * Counts `count` events of `name` (nothing for 0). Without dimensions the point waits for the
 * invocation's flush; with dimensions it is written at once on its own, so two dimensioned
 * points of one invocation never share (or overwrite) each other's dimensions.
 */
export function countMetric(name: BusinessMetric, dimensions?: MetricDimensions, count = 1): void {
  if (!(count > 0)) return;
  if (!dimensions) {
    metrics.addMetric(name, MetricUnit.Count, count);
    return;
  }
  const single = metrics.singleMetric();
  for (const [key, value] of Object.entries(dimensions)) single.addDimension(key, String(value));
  single.addMetric(name, MetricUnit.Count, count);
}
