import * as z from 'zod/mini';
import type { FieldIssue } from '../errors.ts';
import { isValidLadder, type Unit } from '../units.ts';
import { isDeliverableAddress } from './email.ts';
import { addIssue, type Parsed, parse, type Raw, required, splitList, text } from './fields.ts';

/**
 * The unit form of the admin console: what a unit offers (name, address, phone, tasks), its places,
 * its clocks (supervision talks, their escalation, follow-ups), its working-time ladder and its
 * people (coordinators by e-mail, supervisors by name and e-mail). Lists come one item a line;
 * a supervisor's line is `Name, e-mail`. Issues carry codes only (functions/web/admin-texts.ts).
 */
export interface UnitInput {
  name: string;
  description: string;
  address: string;
  phone?: string;
  tasks: string[];
  places: number;
  talkIntervalDays: number;
  talkEscalationDays: number;
  followUpIntervalDays: number;
  ladder: number[];
  coordinatorEmails: string[];
  supervisors: { name: string; email: string }[];
  /** The version of the unit the form was built on (0 for a new or never edited unit). */
  version: number;
}

/** Limits of the unit's numbers: the method's talks are 1–2 a month, follow-ups at most half a year apart. */
export const UNIT_LIMITS = {
  places: { min: 0, max: 500 },
  talkIntervalDays: { min: 7, max: 31 },
  talkEscalationDays: { min: 1, max: 30 },
  followUpIntervalDays: { min: 14, max: 182 },
} as const;

const PHONE = /^\+?[0-9][0-9 ()-]{4,22}[0-9]$/;

const UnitForm = z.object({
  unitName: required(120, 2),
  description: text(1000),
  address: required(200),
  unitPhone: z.string().check(
    z.trim(),
    z.refine((s) => s === '' || PHONE.test(s), { error: 'format' }),
  ),
  tasks: z.string(),
  places: z.string(),
  talkIntervalDays: z.string(),
  talkEscalationDays: z.string(),
  followUpIntervalDays: z.string(),
  ladder: z.string(),
  coordinatorEmails: z.string(),
  supervisors: z.string(),
  version: z.string(),
});

function whole(
  issues: FieldIssue[],
  field: keyof typeof UNIT_LIMITS,
  raw: string | undefined,
): number | undefined {
  const s = (raw ?? '').trim();
  const { min, max } = UNIT_LIMITS[field];
  if (s === '') {
    addIssue(issues, { field, code: 'required' });
    return undefined;
  }
  if (!/^\d{1,4}$/.test(s) || Number(s) < min || Number(s) > max) {
    addIssue(issues, { field, code: 'range', params: { min, max } });
    return undefined;
  }
  return Number(s);
}

/** Reads the posted unit form: every field checked in one round. */
export function parseUnitForm(raw: Raw): Parsed<UnitInput> {
  const r = parse(UnitForm, raw);
  const issues: FieldIssue[] = r.ok ? [] : [...r.issues];

  const tasks = splitList(raw.tasks ?? '');
  if (tasks.length === 0) addIssue(issues, { field: 'tasks', code: 'required' });
  else if (tasks.length > 30) addIssue(issues, { field: 'tasks', code: 'tooMany', params: { max: 30 } });
  else if (tasks.some((t) => t.length > 80))
    addIssue(issues, { field: 'tasks', code: 'length', params: { max: 80 } });
  else if (new Set(tasks.map((t) => t.toLowerCase())).size !== tasks.length)
    addIssue(issues, { field: 'tasks', code: 'duplicate' });

  const places = whole(issues, 'places', raw.places);
  const talkIntervalDays = whole(issues, 'talkIntervalDays', raw.talkIntervalDays);
  const talkEscalationDays = whole(issues, 'talkEscalationDays', raw.talkEscalationDays);
  const followUpIntervalDays = whole(issues, 'followUpIntervalDays', raw.followUpIntervalDays);

  const ladderText = (raw.ladder ?? '').trim();
  const steps = ladderText
    .split(/[\s,;]+/)
    .map((x) => x.replace(/%$/, ''))
    .filter(Boolean);
  const ladder = steps.map((x) => (/^\d{1,3}$/.test(x) ? Number(x) : Number.NaN));
  if (ladderText === '') addIssue(issues, { field: 'ladder', code: 'required' });
  else if (!isValidLadder(ladder)) addIssue(issues, { field: 'ladder', code: 'ladder' });

  const coordinatorEmails = splitList(raw.coordinatorEmails ?? '').map((e) => e.toLowerCase());
  const badCoordinator = coordinatorEmails.findIndex((e) => !isDeliverableAddress(e));
  if (coordinatorEmails.length === 0) addIssue(issues, { field: 'coordinatorEmails', code: 'required' });
  else if (badCoordinator >= 0)
    addIssue(issues, { field: 'coordinatorEmails', code: 'emailLine', params: { line: badCoordinator + 1 } });
  else if (coordinatorEmails.length > 20)
    addIssue(issues, { field: 'coordinatorEmails', code: 'tooMany', params: { max: 20 } });
  else if (new Set(coordinatorEmails).size !== coordinatorEmails.length)
    addIssue(issues, { field: 'coordinatorEmails', code: 'duplicate' });

  const supervisors: { name: string; email: string }[] = [];
  splitList(raw.supervisors ?? '').forEach((line, i) => {
    const at = line.lastIndexOf(',');
    const name = at > 0 ? line.slice(0, at).trim() : '';
    const email = (at > 0 ? line.slice(at + 1) : line).trim().toLowerCase();
    if (name.length < 2 || name.length > 120 || !isDeliverableAddress(email))
      addIssue(issues, { field: 'supervisors', code: 'supervisorLine', params: { line: i + 1 } });
    else supervisors.push({ name, email });
  });
  if (supervisors.length > 50)
    addIssue(issues, { field: 'supervisors', code: 'tooMany', params: { max: 50 } });
  else if (new Set(supervisors.map((s) => s.email)).size !== supervisors.length)
    addIssue(issues, { field: 'supervisors', code: 'duplicate' });

  const version = /^\d{1,9}$/.test(raw.version ?? '') ? Number(raw.version) : undefined;
  if (version === undefined) addIssue(issues, { field: 'version', code: 'format' });

  if (!r.ok || issues.length > 0) return { ok: false, issues };
  const v = r.value;
  return {
    ok: true,
    value: {
      name: v.unitName,
      description: v.description,
      address: v.address,
      ...(v.unitPhone ? { phone: v.unitPhone } : {}),
      tasks,
      places: places as number,
      talkIntervalDays: talkIntervalDays as number,
      talkEscalationDays: talkEscalationDays as number,
      followUpIntervalDays: followUpIntervalDays as number,
      ladder,
      coordinatorEmails,
      supervisors,
      version: version as number,
    },
  };
}

/** The form's values of a stored unit (what the edit page starts from). */
export function unitFormValues(u: Unit | undefined): Record<string, string> {
  const policy = {
    talkIntervalDays: u?.talkIntervalDays ?? 14,
    talkEscalationDays: u?.talkEscalationDays ?? 7,
    followUpIntervalDays: u?.followUpIntervalDays ?? 56,
    ladder: u?.ladder ?? [25, 40, 50, 75, 100],
  };
  return {
    unitName: u?.name ?? '',
    description: u?.description ?? '',
    address: u?.address ?? '',
    unitPhone: u?.phone ?? '',
    tasks: (u?.tasks ?? []).join('\n'),
    places: u ? String(u.places) : '',
    talkIntervalDays: String(policy.talkIntervalDays),
    talkEscalationDays: String(policy.talkEscalationDays),
    followUpIntervalDays: String(policy.followUpIntervalDays),
    ladder: policy.ladder.join(', '),
    coordinatorEmails: (u?.coordinatorEmails ?? []).join('\n'),
    supervisors: (u?.supervisors ?? []).map((s) => `${s.name}, ${s.email}`).join('\n'),
    version: String(u?.version ?? 0),
  };
}
