import { createHash, randomBytes } from 'node:crypto';
import type { CaseRecord, ParticipantAnswer } from '../case.ts';
import { DomainError, ValidationError } from '../errors.ts';
import { parseParticipantAnswer } from '../forms/actions.ts';
import { type MeetingView, meetingView, storedMeeting } from '../meeting-view.ts';
import type { Deps } from '../ports.ts';
import { unitOf } from './places.ts';
import { readCase, updateCase } from './update-case.ts';

/**
 * A participant has no account. Each invitation to them carries a link of their own: a random id
 * of 128 bits, stored only as its SHA-256, that maps to one meeting (one SEQUENCE of it) of one
 * case. Opening it only shows a page; only a POST answers, and the first answer wins (the case
 * record's optimistic write). A link for a meeting that has passed, moved, been cancelled or
 * answered is gone.
 */

export type GoneReason = 'unknown' | 'answered' | 'moved' | 'cancelled' | 'passed';

/** The link cannot be used; the page says why in plain words and gives the unit's phone. */
export class LinkGoneError extends DomainError {
  override name = 'LinkGoneError';
  override readonly status = 410;
  constructor(
    readonly reason: GoneReason,
    readonly phone?: string,
    /** The participant's language, when the link's case is known. */
    readonly lang?: 'sv' | 'en',
  ) {
    super(`Link gone: ${reason}`);
  }
}

const TOKEN = /^[A-Za-z0-9_-]{22,64}$/;
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Creates the participant's link to a meeting's current SEQUENCE; gives the id for the URL. */
export async function issueLink(deps: Deps, c: CaseRecord, meetingId: string): Promise<string> {
  const m = meetingView(c, meetingId);
  if (!m) throw new Error(`No meeting ${meetingId} to link to`);
  const token = randomBytes(16).toString('base64url');
  await deps.repo.putLink({
    hash: hashToken(token),
    caseId: c.caseId,
    meetingId,
    sequence: m.sequence,
    createdAt: new Date(deps.clock.now()).toISOString(),
    // Storage may drop it 30 days after the meeting.
    expiresAt: Math.floor(Date.parse(m.end) / 1000) + 30 * 86_400,
  });
  return token;
}

export interface LinkView {
  meeting: Pick<MeetingView, 'kind' | 'start' | 'end' | 'location'>;
  unitName: string;
  phone?: string;
  lang: 'sv' | 'en';
}

/** What the link shows, or LinkGoneError with the reason. Never changes anything. */
export async function openLink(deps: Deps, token: string): Promise<LinkView> {
  const { c, m, phone, unitName } = await resolve(deps, token);
  if (m.answer && m.answer.sequence === m.sequence) throw new LinkGoneError('answered', phone, langOf(c));
  return {
    meeting: { kind: m.kind, start: m.start, end: m.end, location: m.location },
    unitName,
    ...(phone ? { phone } : {}),
    lang: langOf(c),
  };
}

const langOf = (c: CaseRecord): 'sv' | 'en' => (c.participantLanguage === 'en' ? 'en' : 'sv');

async function resolve(deps: Deps, token: string) {
  if (!TOKEN.test(token)) throw new LinkGoneError('unknown');
  const link = await deps.repo.getLink(hashToken(token));
  // Past its expiry a link is gone even where storage has not dropped it yet (DynamoDB Local
  // keeps expired items), and so is every link of a case whose personal data was removed.
  if (!link || link.expiresAt * 1000 <= deps.clock.now()) throw new LinkGoneError('unknown');
  const c = await readCase(deps.repo, link.caseId);
  if (!c || c.anonymised) throw new LinkGoneError('unknown');
  const unit = await unitOf(deps, c.unitId);
  const phone = unit?.phone;
  const lang = langOf(c);
  const m = meetingView(c, link.meetingId);
  if (!m || m.cancelled) throw new LinkGoneError('cancelled', phone, lang);
  if (m.sequence !== link.sequence) throw new LinkGoneError('moved', phone, lang);
  if (m.done || Date.parse(m.start) <= deps.clock.now()) throw new LinkGoneError('passed', phone, lang);
  return { c, m, link, phone, unitName: unit?.name ?? c.unitId };
}

/**
 * The participant answers: coming, or asks for another time (with an optional short message).
 * The first answer for this SEQUENCE wins; a second is gone ('answered').
 */
export async function answerLink(
  deps: Deps,
  token: string,
  form: Record<string, string | undefined>,
): Promise<{ answer: ParticipantAnswer['answer']; view: LinkView }> {
  const view = await openLink(deps, token);
  const parsed = parseParticipantAnswer(form);
  if (!parsed.ok) throw new ValidationError(parsed.issues);
  const { link, phone, c: current } = await resolve(deps, token);
  const now = deps.clock.now();
  let already = false;
  const { changed } = await updateCase(deps.repo, link.caseId, now, (c) => {
    const target = storedMeeting(c, link.meetingId);
    if (!target || target.sequence !== link.sequence) return undefined;
    if (target.participantAnswer?.sequence === link.sequence) {
      already = true;
      return undefined;
    }
    target.participantAnswer = {
      sequence: link.sequence,
      answer: parsed.value.answer,
      ...(parsed.value.message ? { message: parsed.value.message } : {}),
      at: new Date(now).toISOString(),
    };
    return c;
  });
  if (already || !changed) throw new LinkGoneError(already ? 'answered' : 'moved', phone, langOf(current));
  return { answer: parsed.value.answer, view };
}
