import { isStaff, type Principal } from '../auth.ts';
import type { CaseRecord } from '../case.ts';
import { ForbiddenError, NotFoundError, StepNotWaitingError } from '../errors.ts';
import type { Deps, SaveOptions } from '../ports.ts';
import { ACTIONS, type ActionName, STEPS, type StepName } from '../process/declaration.ts';
import { derivePhase, stepOf } from '../process/derive.ts';
import { type Unit, type UnitPolicy, unitPolicy } from '../units.ts';
import { unitOf } from './places.ts';
import { requireCase, updateCase } from './update-case.ts';
import { wakeWorkflow } from './wake.ts';

export interface ActContext {
  now: number;
  principal: Principal;
  unit: Unit | undefined;
  policy: UnitPolicy;
}

export interface ActOptions {
  /** Form instance id: a repeatable action with an id already applied is a harmless repeat. */
  formId?: string;
  /** True when the record already holds exactly what was posted (a repeated submit). */
  same?: (c: CaseRecord) => boolean;
  /** Changes the draft; throws ValidationError (rules) or StepNotWaitingError. */
  apply: (c: CaseRecord, ctx: ActContext) => void;
  saveOptions?: (next: CaseRecord, before: CaseRecord) => SaveOptions | undefined;
}

/**
 * The step a person can act on now: the phase's own step, or the repair of a step that failed
 * for good. Automatic work the workflow has pending (telling the coordinators, sending an
 * invitation) does not close the step to people: the workflow re-reads the record after it.
 */
export function currentStep(c: CaseRecord): StepName | undefined {
  if (c.problem) return 'repair';
  return stepOf(derivePhase(c));
}

/** Whether the action is open on the record now (for pages: which forms to show). */
export function actionOpen(c: CaseRecord, action: ActionName): boolean {
  const step = currentStep(c);
  return !!step && (STEPS[step].actions as readonly string[]).includes(action);
}

/** Who may act on this case, beyond the route's roles: the assigned supervisor, the referring organisation. */
export function mayAct(p: Principal, c: CaseRecord, action: ActionName): boolean {
  const roles = ACTIONS[action].roles as readonly string[];
  if (isStaff(p) && p.groups.some((g) => roles.includes(g))) return true;
  if (p.groups.includes('supervisor') && roles.includes('supervisor'))
    return !!c.supervisor && c.supervisor.email.toLowerCase() === p.email.toLowerCase();
  if (p.groups.includes('referrer') && roles.includes('referrer'))
    return !!p.organisationId && p.organisationId === c.organisationId;
  return false;
}

/**
 * A person's action on a case: checked against the declaration (is the action open in the
 * case's step?), applied to the record with optimistic locking, then the workflow is woken.
 * Every action either takes effect or is refused with a reason: a repeat of the same values is
 * harmless; a different one on a step already done is refused (StepNotWaitingError).
 */
export async function act(
  deps: Deps,
  principal: Principal,
  caseId: string,
  action: ActionName,
  opts: ActOptions,
): Promise<CaseRecord> {
  const current = await requireCase(deps.repo, caseId);
  if (!mayAct(principal, current, action)) {
    // Another organisation's case does not exist for a referrer; a supervisor not assigned is refused.
    if (principal.groups.includes('referrer') && principal.organisationId !== current.organisationId)
      throw new NotFoundError('Case not found');
    throw new ForbiddenError(`Not allowed to ${action} on this case`);
  }
  const unit = await unitOf(deps, current.unitId);
  const policy = unitPolicy(unit);
  const now = deps.clock.now();
  const { before, after, changed } = await updateCase(
    deps.repo,
    caseId,
    now,
    (c) => {
      if (opts.formId && c.appliedForms.some((f) => f.formId === opts.formId)) return undefined;
      if (!actionOpen(c, action)) {
        if (opts.same?.(c)) return undefined;
        throw new StepNotWaitingError(`${action} is not open in phase ${derivePhase(c)}`, refusalCode(c), {
          phase: derivePhase(c),
        });
      }
      const untouched = JSON.stringify(c);
      opts.apply(c, { now, principal, unit, policy });
      // An apply that changed nothing (the same values again) writes nothing and wakes no one.
      if (JSON.stringify(c) === untouched) return undefined;
      // Who acted, by name, so the console can say who did what (staff only; never participants).
      if (c.staff?.[principal.sub] !== principal.name)
        c.staff = { ...c.staff, [principal.sub]: principal.name };
      if (opts.formId) {
        c.appliedForms.push({ formId: opts.formId, action, at: new Date(now).toISOString() });
        c.appliedForms = c.appliedForms.slice(-30);
      }
      return c;
    },
    opts.saveOptions,
  );
  await wakeWorkflow(deps, changed ? before : after);
  return after;
}

function refusalCode(c: CaseRecord): string {
  if (c.problem) return 'needsRepair';
  if (c.status === 'closed') return 'closed';
  return 'alreadyDone';
}
