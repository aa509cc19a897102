import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlacementAsl, checkAsl } from '#core/process/asl';
import { ROOT } from '#test/support/host';

// biome-ignore lint/suspicious/noExplicitAny: the tests reach into arbitrary ASL JSON to break it
type Json = Record<string, any>;
const committed = () =>
  JSON.parse(readFileSync(join(ROOT, 'workflows', 'placement.asl.json'), 'utf8')) as Json;

describe('the placement ASL and the declaration', () => {
  it('the committed file is what the declaration builds (run `npm run asl` after changing it)', () => {
    expect(committed()).toEqual(buildPlacementAsl());
    expect(checkAsl(committed())).toEqual([]);
  });

  it('fails when a route has no Choice rule', () => {
    const d = committed();
    d.States.Route.Choices = d.States.Route.Choices.filter((c: Json) => c.Next !== 'AwaitTraining');
    expect(checkAsl(d)).toContain('route AwaitTraining has no Choice rule to its state');
  });
  it('fails when a step has no Task', () => {
    const d = committed();
    delete d.States.AwaitPaused;
    d.States.Route.Choices = d.States.Route.Choices.filter((c: Json) => c.Next !== 'AwaitPaused');
    expect(checkAsl(d)).toEqual(expect.arrayContaining(['phase paused waits on paused with no Task']));
  });
  it('fails when a timeout has no Catch', () => {
    const d = committed();
    d.States.AwaitClosing.Catch = d.States.AwaitClosing.Catch.filter(
      (c: Json) => !c.ErrorEquals.includes('States.Timeout'),
    );
    expect(checkAsl(d)).toContain('step closing: timeout without its Catch to HandleDeadlines');
    delete d.States.AwaitClosing.TimeoutSecondsPath;
    expect(checkAsl(d)).toContain('step closing: no timeout (the reminder clock)');
  });
  it('fails when a step is no waitForTaskToken Task or names another step', () => {
    const d = committed();
    d.States.AwaitTraining.Resource = 'arn:aws:states:::lambda:invoke';
    d.States.AwaitTraining.Parameters.Payload.step = 'paused';
    expect(checkAsl(d)).toEqual(
      expect.arrayContaining([
        'step training: not a .waitForTaskToken Task',
        'step training: payload names step paused',
      ]),
    );
  });
  it('fails on an unknown function, a missing Catch, a dangling Next and an unreachable state', () => {
    const d = committed();
    // An ASL substitution, not a template string.
    const missing = ['$', '{NoSuchFunction}'].join('');
    d.States.SendInvitation.Parameters.FunctionName = missing;
    delete d.States.CloseCase.Catch;
    d.States.ReleasePlace.Next = 'Nowhere';
    d.States.Orphan = { Type: 'Succeed' };
    expect(checkAsl(d)).toEqual(
      expect.arrayContaining([
        `state SendInvitation: unknown function ${missing}`,
        'state CloseCase: a Task without a Catch',
        'state ReleasePlace: Next Nowhere does not exist',
        'state Orphan is unreachable',
      ]),
    );
  });

  it('fails without the Route state, or without a route’s own state', () => {
    const d = committed();
    delete d.States.Route;
    delete d.States.ContinueAsNew;
    const problems = checkAsl(d);
    expect(problems).toEqual(
      expect.arrayContaining([
        'route AwaitTraining has no Choice rule to its state',
        'route CaseClosed has no Choice rule to its state',
        'route ContinueAsNew has no state',
        'state LoadCase: Next Route does not exist',
      ]),
    );
    expect(problems).not.toContain('route AwaitTraining has no state');
  });
  it('fails when a phase’s task has no state', () => {
    const d = committed();
    delete d.States.CloseCase;
    expect(checkAsl(d)).toEqual(
      expect.arrayContaining([
        'phase intakeDeclined runs CloseCase with no Task',
        'phase studyVisitDeclined runs CloseCase with no Task',
      ]),
    );
  });
  it('fails when a timeout or a step already done is caught to the wrong state, or not at all', () => {
    const d = committed();
    for (const c of d.States.AwaitTraining.Catch as Json[])
      if (c.ErrorEquals.includes('States.Timeout')) c.Next = 'LoadCase';
    for (const c of d.States.AwaitPaused.Catch as Json[])
      if (c.ErrorEquals.includes('StepAlreadyDone')) c.Next = 'HandleDeadlines';
    d.States.AwaitClosing.Catch = d.States.AwaitClosing.Catch.filter(
      (c: Json) => !c.ErrorEquals.includes('StepAlreadyDone'),
    );
    expect(checkAsl(d)).toEqual([
      'step training: timeout without its Catch to HandleDeadlines',
      'step paused: no Catch of StepAlreadyDone back to LoadCase',
      'step closing: no Catch of StepAlreadyDone back to LoadCase',
    ]);
  });
  it('fails on a Task without parameters, and ignores a rule or a Catch that goes nowhere', () => {
    const d = committed();
    delete d.States.CloseCase.Parameters;
    d.States.Route.Choices.push({ Variable: '$.load.route', StringEquals: 'Nothing' });
    d.States.ReleasePlace.Catch.push({ ErrorEquals: ['X'] });
    expect(checkAsl(d)).toEqual(['state CloseCase: unknown function undefined']);
  });
});
