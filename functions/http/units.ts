import { getDeps } from '#adapters/deps';
import { unitFormValues } from '#core/forms/unit';
import { requireAdmin, saveUnit, unitForEdit, unitsOverview } from '#core/use-cases/units-admin';
import { unitFormPage, unitsListPage } from '#web/units-pages';
import { htmlResponse, httpHandler, type Req, redirect, signedIn } from './kit.ts';

const count = (s: string | undefined) => Math.min(Math.max(Number.parseInt(s ?? '', 10) || 0, 0), 10_000);

/** A saved unit's notice on the list: counts only (Post/Redirect/Get). */
async function save(req: Req, unitId: string | undefined) {
  const deps = getDeps();
  const p = signedIn(req);
  const result = await saveUnit(deps, p, unitId, req.form);
  if (!result.ok) {
    const inUse = unitId ? await deps.repo.placesInUse(unitId) : 0;
    return htmlResponse(
      unitFormPage({ lang: req.lang, principal: p, unitId, inUse, values: req.form, issues: result.issues }),
      result.issues.some((i) => i.field === 'version' && i.code === 'stale') ? 409 : 400,
    );
  }
  const q = new URLSearchParams({ saved: result.created ? 'created' : 'updated' });
  if (result.moved) q.set('moved', String(result.moved));
  if (result.overfull) q.set('overfull', String(result.overfull));
  return redirect(`/admin/units?${q}#unit-${result.unitId}`);
}

/** The admin console's units: the list with places and queue, the edit and new forms. */
export const handler = httpHandler('units', {
  'GET /admin/units': async (req) => {
    const p = signedIn(req);
    const units = await unitsOverview(getDeps(), p);
    const saved =
      req.query.saved === 'created' || req.query.saved === 'updated' ? req.query.saved : undefined;
    return htmlResponse(
      unitsListPage({
        lang: req.lang,
        principal: p,
        units,
        notice: { saved, moved: count(req.query.moved), overfull: count(req.query.overfull) },
      }),
    );
  },

  'GET /admin/units/new': async (req) => {
    const p = signedIn(req);
    requireAdmin(p);
    return htmlResponse(
      unitFormPage({ lang: req.lang, principal: p, inUse: 0, values: unitFormValues(undefined), issues: [] }),
    );
  },

  'POST /admin/units': (req) => save(req, undefined),

  'GET /admin/units/{unitId}': async (req) => {
    const p = signedIn(req);
    const { unit, inUse } = await unitForEdit(getDeps(), p, req.params.unitId ?? '');
    return htmlResponse(
      unitFormPage({
        lang: req.lang,
        principal: p,
        unitId: unit.unitId,
        inUse,
        values: unitFormValues(unit),
        issues: [],
      }),
    );
  },

  'POST /admin/units/{unitId}': (req) => save(req, req.params.unitId ?? ''),
});
