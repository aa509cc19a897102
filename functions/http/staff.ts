import { randomUUID } from 'node:crypto';
import { getDeps, getStaffDirectory } from '#adapters/deps';
import type { FieldIssue } from '#core/errors';
import { inviteStaff, listStaff, type StaffDeps, setStaffEnabled, staffMember } from '#core/use-cases/staff';
import { accountChangePage, type StaffNotice, staffPage } from '#web/staff-pages';
import { htmlResponse, httpHandler, type Req, type RouteImpl, redirect, signedIn } from './kit.ts';

const NOTICES = new Set<StaffNotice>(['invited', 'disabled', 'enabled', 'unchanged']);

function staffDeps(): StaffDeps {
  const { repo, clock, newId } = getDeps();
  return { repo, clock, newId, directory: getStaffDirectory() };
}

async function listPage(req: Req, values: Record<string, string>, issues: FieldIssue[], status = 200) {
  const p = signedIn(req);
  const members = await listStaff(staffDeps(), p);
  const notice = NOTICES.has(req.query.done as StaffNotice) ? (req.query.done as StaffNotice) : undefined;
  // A fresh form id for each invitation form shown: a double submit of one form invites once.
  return htmlResponse(
    staffPage({
      lang: req.lang,
      principal: p,
      members,
      values: { formId: randomUUID(), ...values },
      issues,
      notice,
    }),
    status,
  );
}

function change(enable: boolean): { get: RouteImpl; post: RouteImpl } {
  return {
    get: async (req) => {
      const p = signedIn(req);
      const member = await staffMember(staffDeps(), p, req.params.staffId ?? '');
      return htmlResponse(
        accountChangePage({ lang: req.lang, principal: p, member, enable, values: {}, issues: [] }),
      );
    },
    post: async (req) => {
      const p = signedIn(req);
      const r = await setStaffEnabled(staffDeps(), p, req.params.staffId ?? '', enable, req.form);
      if (!r.ok)
        return htmlResponse(
          accountChangePage({
            lang: req.lang,
            principal: p,
            member: r.member,
            enable,
            values: req.form,
            issues: r.issues,
          }),
          400,
        );
      return redirect(`/admin/staff?done=${r.changed ? (enable ? 'enabled' : 'disabled') : 'unchanged'}`);
    },
  };
}

const disable = change(false);
const enable = change(true);

/** The admin console's accounts: list, invite, disable and enable (with a confirmation and a reason). */
export const handler = httpHandler('staff', {
  'GET /admin/staff': (req) => listPage(req, {}, []),

  'POST /admin/staff': async (req) => {
    const r = await inviteStaff(staffDeps(), signedIn(req), req.form);
    if (!r.ok) {
      // The typed values come back with their errors; the same form id, so a second post is still one.
      const { formId, staffName, staffEmail, staffRole, staffOrganisation } = req.form;
      return listPage(
        req,
        Object.fromEntries(
          Object.entries({ formId, staffName, staffEmail, staffRole, staffOrganisation }).filter(
            (e): e is [string, string] => typeof e[1] === 'string',
          ),
        ),
        r.issues,
        400,
      );
    }
    return redirect('/admin/staff?done=invited');
  },

  'GET /admin/staff/{staffId}/disable': disable.get,
  'POST /admin/staff/{staffId}/disable': disable.post,
  'GET /admin/staff/{staffId}/enable': enable.get,
  'POST /admin/staff/{staffId}/enable': enable.post,
});
