/**
 * The one route table. Both hosts read it: the CDK app creates one HTTP API route per entry
 * (integrated with the Lambda built from `functions/http/<handler>.ts`), and the local gateway
 * dispatches to the same handler modules with API Gateway v2 events.
 *
 * Pure data: importing it must not load any handler code.
 */
import { ACTION_NAMES, ACTIONS } from './core/process/declaration.ts';
export const ROLES = ['referrer', 'supervisor', 'coordinator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type HttpMethod = 'GET' | 'POST';

export interface RouteDef {
  method: HttpMethod;
  /** API Gateway path syntax: `/cases/{caseId}`. */
  path: string;
  /** Module `functions/http/<handler>.ts`, exporting `handler`; one Lambda per module. */
  handler: HttpHandlerName;
  /** Who may call it; `public` needs no session. */
  roles: readonly Role[] | 'public';
  /** Pages redirect to sign-in without a session; the API answers 401. */
  kind: 'page' | 'api';
}

export const HTTP_HANDLERS = [
  'auth',
  'home',
  'referrals',
  'cases',
  'admin',
  'answers',
  'reports',
  'units',
  'staff',
  'privacy',
] as const;
export type HttpHandlerName = (typeof HTTP_HANDLERS)[number];

const staff = ['coordinator', 'admin'] as const;

export const routes: readonly RouteDef[] = [
  { method: 'GET', path: '/auth/login', handler: 'auth', roles: 'public', kind: 'page' },
  { method: 'GET', path: '/auth/callback', handler: 'auth', roles: 'public', kind: 'page' },
  { method: 'POST', path: '/auth/logout', handler: 'auth', roles: 'public', kind: 'page' },
  // A participant's own link to answer a meeting: no account; the random id is the key.
  { method: 'GET', path: '/m/{token}', handler: 'answers', roles: 'public', kind: 'page' },
  { method: 'POST', path: '/m/{token}', handler: 'answers', roles: 'public', kind: 'page' },
  {
    method: 'GET',
    path: '/',
    handler: 'home',
    roles: ['referrer', 'supervisor', 'coordinator', 'admin'],
    kind: 'page',
  },
  {
    method: 'GET',
    path: '/referrals',
    handler: 'referrals',
    roles: ['referrer', 'supervisor', ...staff],
    kind: 'page',
  },
  { method: 'GET', path: '/referrals/new', handler: 'referrals', roles: ['referrer'], kind: 'page' },
  { method: 'POST', path: '/referrals', handler: 'referrals', roles: ['referrer'], kind: 'page' },
  { method: 'GET', path: '/api/referrals', handler: 'referrals', roles: ['referrer', ...staff], kind: 'api' },
  {
    method: 'GET',
    path: '/cases/{caseId}',
    handler: 'cases',
    roles: ['referrer', 'supervisor', ...staff],
    kind: 'page',
  },
  // One form post per action of the process declaration, with the action's roles.
  ...ACTION_NAMES.map(
    (a): RouteDef => ({
      method: 'POST',
      path: `/cases/{caseId}/${ACTIONS[a].path}`,
      handler: 'cases',
      roles: ACTIONS[a].roles,
      kind: 'page',
    }),
  ),
  {
    method: 'GET',
    path: '/todo',
    handler: 'home',
    roles: ['referrer', 'supervisor', 'coordinator', 'admin'],
    kind: 'page',
  },
  {
    method: 'GET',
    path: '/api/cases/{caseId}',
    handler: 'cases',
    roles: ['referrer', ...staff],
    kind: 'api',
  },
  // The admin console: placements at a glance, each placement's story and workflow.
  { method: 'GET', path: '/admin/placements', handler: 'admin', roles: staff, kind: 'page' },
  { method: 'GET', path: '/api/admin/placements', handler: 'admin', roles: staff, kind: 'api' },
  { method: 'GET', path: '/admin/placements/{caseId}', handler: 'admin', roles: staff, kind: 'page' },
  { method: 'GET', path: '/api/admin/placements/{caseId}', handler: 'admin', roles: staff, kind: 'api' },
  // Console actions: a confirmation page, then the POST that does it once (coordinators the first two).
  {
    method: 'GET',
    path: '/admin/placements/{caseId}/actions/{action}',
    handler: 'admin',
    roles: staff,
    kind: 'page',
  },
  {
    method: 'POST',
    path: '/admin/placements/{caseId}/actions/{action}',
    handler: 'admin',
    roles: staff,
    kind: 'page',
  },
  { method: 'GET', path: '/admin/audit', handler: 'admin', roles: ['admin'], kind: 'page' },
  { method: 'GET', path: '/assets/live.js', handler: 'admin', roles: 'public', kind: 'page' },
  // Up or down, for a load balancer or an uptime check: names no address (the local host has its own).
  { method: 'GET', path: '/health', handler: 'home', roles: 'public', kind: 'api' },
  { method: 'GET', path: '/admin/runs', handler: 'admin', roles: ['admin'], kind: 'page' },
  { method: 'GET', path: '/admin/runs/{executionName}', handler: 'admin', roles: ['admin'], kind: 'page' },
  { method: 'GET', path: '/api/admin/runs', handler: 'admin', roles: ['admin'], kind: 'api' },
  // Dashboards, the ESF+ report and the CSV exports: figures for funders are the admins' alone.
  { method: 'GET', path: '/admin/dashboard', handler: 'reports', roles: staff, kind: 'page' },
  { method: 'GET', path: '/admin/reports/esf', handler: 'reports', roles: ['admin'], kind: 'page' },
  {
    method: 'GET',
    path: '/admin/exports/placements.csv',
    handler: 'reports',
    roles: ['admin'],
    kind: 'page',
  },
  { method: 'GET', path: '/admin/exports/outcomes.csv', handler: 'reports', roles: ['admin'], kind: 'page' },
  { method: 'GET', path: '/admin/exports/esf.csv', handler: 'reports', roles: ['admin'], kind: 'page' },
  // Units (work places): places, queue, clocks, ladder and people. `new` before `{unitId}`.
  { method: 'GET', path: '/admin/units', handler: 'units', roles: ['admin'], kind: 'page' },
  { method: 'GET', path: '/admin/units/new', handler: 'units', roles: ['admin'], kind: 'page' },
  { method: 'POST', path: '/admin/units', handler: 'units', roles: ['admin'], kind: 'page' },
  { method: 'GET', path: '/admin/units/{unitId}', handler: 'units', roles: ['admin'], kind: 'page' },
  { method: 'POST', path: '/admin/units/{unitId}', handler: 'units', roles: ['admin'], kind: 'page' },
  // Accounts: invite, disable and enable (a confirmation page, then the post).
  { method: 'GET', path: '/admin/staff', handler: 'staff', roles: ['admin'], kind: 'page' },
  { method: 'POST', path: '/admin/staff', handler: 'staff', roles: ['admin'], kind: 'page' },
  ...(['disable', 'enable'] as const).flatMap((change) =>
    (['GET', 'POST'] as const).map(
      (method): RouteDef => ({
        method,
        path: `/admin/staff/{staffId}/${change}`,
        handler: 'staff',
        roles: ['admin'],
        kind: 'page',
      }),
    ),
  ),
  // Personal data: the register extract (identity number in the form only) and erasure on request.
  { method: 'GET', path: '/admin/privacy', handler: 'privacy', roles: ['admin'], kind: 'page' },
  { method: 'POST', path: '/admin/privacy/extract', handler: 'privacy', roles: ['admin'], kind: 'page' },
  {
    method: 'GET',
    path: '/admin/privacy/erase/{caseId}',
    handler: 'privacy',
    roles: ['admin'],
    kind: 'page',
  },
  {
    method: 'POST',
    path: '/admin/privacy/erase/{caseId}',
    handler: 'privacy',
    roles: ['admin'],
    kind: 'page',
  },
];

export const routeKey = (r: Pick<RouteDef, 'method' | 'path'>) => `${r.method} ${r.path}`;
