import { describe, expect, it } from 'vitest';
import { PHASE_NAMES } from '#core/process/declaration';
import { COORDINATOR, caseIn, T0, UNIT } from '#test/support/use-case-world';
import { casePage } from '#web/case-pages';

/**
 * The case page of every phase, as the coordinator sees it with every form that is open: each
 * element id appears once (a label's `for` reaches its own field, an error link its own form), and
 * a form that came back with errors links to its own fields.
 */
const ids = (page: string) => [...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
type Built = Parameters<typeof caseIn>[0];
const phases = PHASE_NAMES.filter(
  (p): p is Built => !['studyVisitProposed', 'intakeDeclined', 'studyVisitDeclined'].includes(p),
);

describe('the case page', () => {
  it.each(phases)('%s: no element id twice', (phase) => {
    const c = caseIn(phase);
    const page = String(casePage({ lang: 'sv', principal: COORDINATOR, c, unit: UNIT, now: T0 }));
    const all = ids(page);
    const twice = all.filter((id, i) => all.indexOf(id) !== i);
    expect(twice).toEqual([]);
    for (const m of page.matchAll(/<label for="([^"]+)"/g)) expect(all).toContain(m[1]);
  });

  it('links the errors of a form to that form’s own fields', () => {
    const c = caseIn('training');
    const page = String(
      casePage({
        lang: 'sv',
        principal: COORDINATOR,
        c,
        unit: UNIT,
        now: T0,
        form: 'logActivity',
        values: { kind: '', date: 'igår' },
        issues: [
          { field: 'kind', code: 'required' },
          { field: 'date', code: 'date' },
        ],
      }),
    );
    expect(page).toContain('href="#logActivity-kind"');
    expect(page).toContain('href="#logActivity-date"');
    expect(page).toMatch(
      /<input type="date" id="logActivity-date" name="date" value="igår"[^>]*aria-invalid="true"/,
    );
    expect(page).toContain('id="logActivity-date-error"');
  });
});
