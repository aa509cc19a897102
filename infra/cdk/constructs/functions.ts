import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { HTTP_HANDLERS, type HttpHandlerName } from '#functions/routes';
import {
  EVENT_HANDLERS,
  type EventHandlerName,
  JOBS,
  type JobName,
  TASKS,
  type TaskName,
} from '#tasks/registry';
import type { StegvisAuth } from './auth.ts';
import type { StegvisData } from './data.ts';
import { StegvisFunction } from './function.ts';
import type { StegvisMail } from './mail.ts';
import { stateMachineName } from './workflows.ts';

/** What a function may touch besides its own logs. Config values are set on every function anyway. */
interface Access {
  readonly table?: 'read' | 'readWrite';
  /** May send e-mail through SES. */
  readonly mail?: boolean;
  /** May start, inspect, stop and answer the placement state machine (bound by the stack). */
  readonly workflow?: boolean;
  /** May manage the accounts of the Cognito user pool (the staff directory's operations only). */
  readonly staffDirectory?: boolean;
  /** May sign an account out everywhere (Cognito's AdminUserGlobalSignOut on the pool, only). */
  readonly signOut?: boolean;
  readonly timeout?: Duration;
}

/**
 * Least privilege per function, from what its use cases call (functions/core/use-cases and the
 * adapters): keep in step with the handlers. A missing grant shows up as AccessDenied at run time.
 */
export const HTTP_ACCESS: Record<HttpHandlerName, Access> = {
  /**
   * OAuth code exchange with Cognito over HTTPS; sign-out writes the account's mark (signed out
   * at, the token's id) and signs the account out in Cognito.
   */
  auth: { table: 'readWrite', signOut: true },
  /** The "To do" worklist reads the cases; /health reads one key. */
  home: { table: 'read' },
  /** Creates cases and starts their workflow. */
  referrals: { table: 'readWrite', workflow: true },
  /** Updates cases and answers the waiting step's task token. */
  cases: { table: 'readWrite', workflow: true },
  /**
   * The console: lists placements and runs, reads histories; its actions write the case and the
   * audit log, stop, start and continue runs, and send invitations and reminders again.
   */
  admin: { table: 'readWrite', workflow: true, mail: true },
  /**
   * Register extracts and erasure: reads and writes cases and the audit log; an erasure closes an
   * active case first (stops its run, sends the calendar cancellations).
   */
  privacy: { table: 'readWrite', workflow: true, mail: true },
  /** A participant's link: reads the link and records the answer on the case. */
  answers: { table: 'readWrite' },
  /** Dashboards, the ESF+ report and the CSV exports read every case, a page at a time. */
  reports: { table: 'read' },
  /** Edits units (audit trail); more places move the queue: tells the coordinators, wakes the cases. */
  units: { table: 'readWrite', mail: true, workflow: true },
  /** Invites, disables and enables accounts in the user pool; marks disabled ones, audit trail. */
  staff: { table: 'readWrite', staffDirectory: true },
};

/**
 * Verifies the session's ID token against Cognito's JWKS (no AWS permission) and reads whether the
 * account is marked disabled (table read).
 */
export const AUTHORIZER_ACCESS: Access = { table: 'read', timeout: Duration.seconds(5) };

const TASK_TIMEOUT = Duration.seconds(30);
export const TASK_ACCESS: Record<TaskName, Access> = {
  'load-case': { table: 'readWrite', timeout: TASK_TIMEOUT },
  'await-step': { table: 'readWrite', timeout: TASK_TIMEOUT },
  'notify-referral': { table: 'readWrite', mail: true, timeout: TASK_TIMEOUT },
  'send-invitation': { table: 'readWrite', mail: true, timeout: TASK_TIMEOUT },
  /** HandleDeadlines: reminders; in the queue it also gives free places and wakes those cases. */
  'send-reminder': { table: 'readWrite', mail: true, workflow: true, timeout: TASK_TIMEOUT },
  'close-case': { table: 'readWrite', timeout: TASK_TIMEOUT },
  /** Gives the place back, moves the queue (tells the coordinators, wakes the next case). */
  'release-place': { table: 'readWrite', mail: true, workflow: true, timeout: TASK_TIMEOUT },
  'record-failure': { table: 'readWrite', timeout: TASK_TIMEOUT },
  /** Starts the next execution segment of the case. */
  'continue-segment': { table: 'readWrite', workflow: true, timeout: TASK_TIMEOUT },
};

/** Continues every active case whose phase has no running execution (reads and writes cases, starts executions). */
export const JOB_ACCESS: Record<JobName, Access> = {
  reconcile: { table: 'readWrite', workflow: true, timeout: Duration.minutes(5) },
  /** Removes personal data past its retention period (reads and writes the table only). */
  retention: { table: 'readWrite', timeout: Duration.minutes(5) },
};

/** Marks an address on a case undeliverable and tells the coordinators (reads and writes cases, sends mail). */
export const EVENT_ACCESS: Record<EventHandlerName, Access> = {
  'mail-events': { table: 'readWrite', mail: true, timeout: Duration.seconds(30) },
};

export interface StegvisFunctionsProps {
  readonly rootDir: string;
  readonly data: StegvisData;
  readonly mail: StegvisMail;
  readonly auth: StegvisAuth;
  /** PUBLIC_BASE_URL: the HTTP API endpoint. */
  readonly publicBaseUrl: string;
  /**
   * PLACEMENT_STATE_MACHINE_ARN before the state machine exists (its name is fixed, so its ARN is
   * known). Functions that act on the state machine are re-bound to the real resource by the stack.
   */
  readonly placementStateMachineArn: string;
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, _dash, c: string) => c.toUpperCase());
}

/**
 * Every Lambda of Stegvis: one per HTTP handler module (`functions/http/<name>.ts`), the session
 * authorizer (`functions/http/authorizer.ts`) and one per task (`functions/tasks/<name>.ts`). Each
 * gets the full configuration of functions/adapters/config.ts and the grants of its access entry.
 */
export class StegvisFunctions extends Construct {
  readonly http: Record<HttpHandlerName, StegvisFunction>;
  readonly authorizer: StegvisFunction;
  readonly tasks: Record<TaskName, StegvisFunction>;
  /** Scheduled jobs (the reconciler, the retention job). */
  readonly jobs: Record<JobName, StegvisFunction>;
  /** Handlers of AWS events (SES bounces and complaints). */
  readonly events: Record<EventHandlerName, StegvisFunction>;
  /** Every function, keyed by a readable name (`http/cases`, `http/authorizer`, `tasks/load-case`). */
  readonly all = new Map<string, StegvisFunction>();

  constructor(scope: Construct, id: string, props: StegvisFunctionsProps) {
    super(scope, id);
    const entries = [
      ...HTTP_HANDLERS.map((name) => `functions/http/${name}.ts`),
      'functions/http/authorizer.ts',
      ...TASKS.map((task) => `functions/tasks/${task.name}.ts`),
      ...JOBS.map((job) => `functions/tasks/${job.name}.ts`),
      ...EVENT_HANDLERS.map((h) => `functions/tasks/${h.name}.ts`),
    ];
    const missing = entries.filter((entry) => !existsSync(join(props.rootDir, entry)));
    if (missing.length > 0) {
      throw new Error(`Handler modules missing under ${props.rootDir}: ${missing.join(', ')}`);
    }

    const config: Record<string, string> = {
      TABLE_NAME: props.data.table.tableName,
      PLACEMENT_STATE_MACHINE_ARN: props.placementStateMachineArn,
      PUBLIC_BASE_URL: props.publicBaseUrl,
      ...props.mail.environment,
      ...props.auth.environment,
    };

    const create = (constructId: string, entry: string, description: string, access: Access) => {
      const fn = new StegvisFunction(this, constructId, {
        entry: join(props.rootDir, entry),
        rootDir: props.rootDir,
        description,
        timeout: access.timeout,
        environment: config,
      });
      if (access.table) fn.bindTable(props.data, access.table);
      if (access.mail) fn.bindMail(props.mail);
      if (access.staffDirectory) fn.bindStaffDirectory(props.auth.userPool);
      if (access.signOut) fn.bindSignOut(props.auth.userPool);
      this.all.set(relative('functions', entry).replace(/\.ts$/, ''), fn);
      return fn;
    };

    const http: Partial<Record<HttpHandlerName, StegvisFunction>> = {};
    for (const name of HTTP_HANDLERS) {
      http[name] = create(
        `Http${pascal(name)}`,
        `functions/http/${name}.ts`,
        `Stegvis HTTP handler ${name}`,
        HTTP_ACCESS[name],
      );
    }
    this.http = http as Record<HttpHandlerName, StegvisFunction>;

    this.authorizer = create(
      'HttpAuthorizer',
      'functions/http/authorizer.ts',
      'Stegvis session authorizer of the HTTP API',
      AUTHORIZER_ACCESS,
    );

    const tasks: Partial<Record<TaskName, StegvisFunction>> = {};
    for (const task of TASKS) {
      tasks[task.name] = create(
        `Task${pascal(task.name)}`,
        `functions/tasks/${task.name}.ts`,
        `Stegvis workflow task ${task.name}`,
        TASK_ACCESS[task.name],
      );
      if (TASK_ACCESS[task.name].workflow)
        tasks[task.name]?.bindStateMachine(
          props.placementStateMachineArn,
          stateMachineName(this, 'placement'),
        );
    }
    this.tasks = tasks as Record<TaskName, StegvisFunction>;

    const jobs: Partial<Record<JobName, StegvisFunction>> = {};
    for (const job of JOBS) {
      const fn = create(
        `Job${pascal(job.name)}`,
        `functions/tasks/${job.name}.ts`,
        `Stegvis scheduled job ${job.name}`,
        JOB_ACCESS[job.name],
      );
      if (JOB_ACCESS[job.name].workflow)
        fn.bindStateMachine(props.placementStateMachineArn, stateMachineName(this, 'placement'));
      new Rule(this, `Job${pascal(job.name)}Schedule`, {
        description: `Runs the Stegvis job ${job.name}`,
        schedule: Schedule.expression(job.schedule),
        targets: [new LambdaFunction(fn, { retryAttempts: 2 })],
      });
      jobs[job.name] = fn;
    }
    this.jobs = jobs as Record<JobName, StegvisFunction>;

    const events: Partial<Record<EventHandlerName, StegvisFunction>> = {};
    for (const h of EVENT_HANDLERS) {
      const fn = create(
        `Event${pascal(h.name)}`,
        `functions/tasks/${h.name}.ts`,
        `Stegvis handler of ${h.source} events`,
        EVENT_ACCESS[h.name],
      );
      new Rule(this, `Event${pascal(h.name)}Rule`, {
        description: `Sends ${h.source} events (${h.eventTypes.join(', ')}) to Stegvis`,
        eventPattern: { source: [h.source], detail: { eventType: [...h.eventTypes] } },
        targets: [new LambdaFunction(fn, { retryAttempts: 4 })],
      });
      events[h.name] = fn;
    }
    this.events = events as Record<EventHandlerName, StegvisFunction>;
  }

  /** The HTTP handler functions whose access entry asks for the state machine. */
  get workflowClients(): StegvisFunction[] {
    return HTTP_HANDLERS.filter((name) => HTTP_ACCESS[name].workflow).map((name) => this.http[name]);
  }
}
