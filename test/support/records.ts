import { type CaseRecord, emptyCollections, executionName, TALK_POINTS, type TalkPoint } from '#core/case';

/** A fresh referral's record, as submitReferral stores it, for tests below the HTTP layer. */
export function newCaseRecord(caseId: string, now: number, n = 1): CaseRecord {
  const at = new Date(now).toISOString();
  return {
    caseId,
    reference: `SV-2026-${String(n).padStart(4, '0')}-${caseId.slice(-4)}`,
    organisationId: 'malmo',
    createdAt: at,
    createdBy: 'r1',
    updatedAt: at,
    status: 'active',
    phase: 'intake',
    participant: {
      name: 'P',
      identityNumber: '198112189876',
      identityKind: 'personnummer',
      email: 'p@example.se',
      phone: '070',
      gender: 'woman',
    },
    caseOfficer: {
      sub: 'r1',
      name: 'Anna',
      email: 'anna@malmo.example',
      organisationId: 'malmo',
      organisationName: 'Malmö',
    },
    placementAgreementRef: 'PÖ',
    unitId: 'remake',
    needs: { adaptation: '', languageSupport: false, language: '' },
    plannedStart: at.slice(0, 10),
    plannedEnd: new Date(now + 365 * 86_400_000).toISOString().slice(0, 10),
    ...emptyCollections(),
    execution: { segment: 1, name: executionName(caseId, 1), startedAt: at },
    version: 1,
  };
}

export const TALK = Object.fromEntries(TALK_POINTS.map((p) => [p, `Om ${p}`])) as Record<TalkPoint, string>;
