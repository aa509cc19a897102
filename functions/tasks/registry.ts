/**
 * The Lambda functions state machines invoke. Pure data, read by the CDK app (one Lambda each,
 * its ARN substituted into the ASL as `${<substitution>}`) and by the local host (substituted
 * with the function name, invoked in-process).
 */
export const TASKS = [
  { name: 'load-case', substitution: 'LoadCaseFunction' },
  { name: 'await-step', substitution: 'AwaitStepFunction' },
  { name: 'send-reminder', substitution: 'HandleDeadlinesFunction' },
  { name: 'record-failure', substitution: 'RecordFailureFunction' },
  { name: 'continue-segment', substitution: 'ContinueSegmentFunction' },
  { name: 'notify-referral', substitution: 'NotifyCoordinatorsFunction' },
  { name: 'send-invitation', substitution: 'SendInvitationFunction' },
  { name: 'release-place', substitution: 'ReleasePlaceFunction' },
  { name: 'close-case', substitution: 'CloseCaseFunction' },
] as const;

export type TaskName = (typeof TASKS)[number]['name'];

/** State machines, each read from `workflows/<file>`; the name is the deployed state machine's. */
/**
 * Scheduled jobs (not invoked by a state machine): each a Lambda from `functions/tasks/<name>.ts`
 * on an EventBridge schedule. The local host runs the reconciler at start-up instead.
 */
export const JOBS = [
  { name: 'reconcile', schedule: 'rate(15 minutes)' },
  // Personal data past its retention period (core/retention.ts); the local host runs it at start-up.
  { name: 'retention', schedule: 'rate(1 day)' },
] as const;
export type JobName = (typeof JOBS)[number]['name'];

/**
 * Handlers of AWS events (not invoked by a state machine): each a Lambda from
 * `functions/tasks/<name>.ts` behind an EventBridge rule. SES publishes the configuration set's
 * bounces and complaints to the default bus; the local host's inbox sends the same events.
 */
export const EVENT_HANDLERS = [
  { name: 'mail-events', source: 'aws.ses', eventTypes: ['Bounce', 'Complaint'] },
] as const;
export type EventHandlerName = (typeof EVENT_HANDLERS)[number]['name'];

export const WORKFLOWS = [{ name: 'placement', file: 'placement.asl.json' }] as const;
