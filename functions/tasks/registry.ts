/**
 * The Lambda functions state machines invoke. Pure data, read by the CDK app (one Lambda each,
 * its ARN substituted into the ASL as `${<substitution>}`) and by the local host (substituted
 * with the function name, invoked in-process).
 */
export const TASKS = [
  { name: 'load-case', substitution: 'LoadCaseFunction' },
  { name: 'await-step', substitution: 'AwaitStepFunction' },
  { name: 'notify-referral', substitution: 'NotifyReferralFunction' },
  { name: 'send-invitation', substitution: 'SendInvitationFunction' },
  { name: 'send-reminder', substitution: 'SendReminderFunction' },
  { name: 'close-case', substitution: 'CloseCaseFunction' },
] as const;

export type TaskName = (typeof TASKS)[number]['name'];

/** State machines, each read from `workflows/<file>`; the name is the deployed state machine's. */
export const WORKFLOWS = [{ name: 'placement', file: 'placement.asl.json' }] as const;
