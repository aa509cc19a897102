import { describe, expect, it } from 'vitest';
import { buildMime, parseAddress } from '#adapters/mime';
import { isDeliverableAddress } from '#core/forms/email';
import { validateReferral } from '#core/forms/referral';

/** One address rule: whatever the referral form accepts, the mail code can send to. */
const today = new Date('2026-11-24T12:00:00Z');
const form = (email: string) => ({
  participantName: 'Sara Exempel',
  identityNumber: '19811218-9876',
  email,
  phone: '0701234567',
  gender: 'woman',
  placementAgreementRef: 'PÖ-1',
  unitId: 'remake',
  languageSupport: 'no',
  plannedStart: '2026-12-01',
  plannedEnd: '2027-06-01',
  submissionId: 'abcdefghijklmnop1234',
});

const tricky = [
  'a,b@example.se',
  'a<b@example.se',
  'a>b@example.se',
  '"a"@example.se',
  'a b@example.se',
  'a@b@example.se',
  'a;b@example.se',
  'a:b@example.se',
  'a(b)@example.se',
  'a\\b@example.se',
  'a@example',
  'a@example.s',
  'a@example.se.',
  'a@.example.se',
  'a@example..se',
  '.a@example.se',
  'a.@example.se',
  'a..b@example.se',
  'a@-example.se',
  'a@example-.se',
  'a@[127.0.0.1]',
  `${'x'.repeat(65)}@example.se`,
  `a@${'x'.repeat(250)}.se`,
  'a@example.se\nBcc: x@evil.example',
  'åsa@exempel.se',
  'sara@exempel.se',
  'sara.andersson+arbete@malmo.se',
  "o'neil@example.co.uk",
  'user@xn--exmpel-cua.se',
  'user@exämpel.se',
  'UPPER@EXAMPLE.SE',
];

describe('e-mail addresses', () => {
  it.each(tricky)('%s: the form and the mail code agree', (address) => {
    const r = validateReferral(form(address), { today, unitIds: ['remake'] });
    const formAccepts = r.ok;
    let mailAccepts = true;
    try {
      parseAddress(address.toLowerCase());
      buildMime(
        { to: [address.toLowerCase()], subject: 'Test', text: 'Hej' },
        { from: 'Stegvis <no-reply@stegvis.example>', date: today, messageId: 'm1@stegvis.example' },
      );
    } catch {
      mailAccepts = false;
    }
    if (formAccepts) expect(mailAccepts).toBe(true);
    expect(formAccepts).toBe(isDeliverableAddress(address.trim().toLowerCase()));
    if (!formAccepts) expect(r.ok ? [] : r.issues.map((i) => i.field)).toContain('email');
  });

  it('refuses the addresses that used to fail only later, in the mail step', () => {
    for (const a of ['a,b@example.se', 'a<b@example.se', 'a>b@example.se', '"a"@example.se'])
      expect(isDeliverableAddress(a)).toBe(false);
    expect(isDeliverableAddress('sara@exempel.se')).toBe(true);
  });
});

describe('isDeliverableAddress at the edges of its rule', () => {
  const domain = (n: number) => `${'d'.repeat(n - 3)}.se`;
  it.each([
    // At most 254 characters in all, 64 before the @.
    [`${'l'.repeat(64)}@${domain(189)}`, true],
    [`${'l'.repeat(64)}@${domain(190)}`, false],
    [`${'l'.repeat(64)}@example.se`, true],
    [`${'l'.repeat(65)}@example.se`, false],
    // One @ with something before it.
    ['@example.se', false],
    ['example.se', false],
    ['a@b@example.se', false],
    // No dot at either end of the local part, none doubled.
    ['.a@example.se', false],
    ['a.@example.se', false],
    ['a..b@example.se', false],
    ['a.b@example.se', true],
    // A dotted domain of labels without white space or a hyphen at either end.
    ['a@example', false],
    ['a@exa mple.se', false],
    ['a@-example.se', false],
    ['a@example-.se', false],
    ['a@ex-ample.se', true],
    ['a@sub.-example.se', false],
    // A top-level part of two letters or more, letters only.
    ['a@example.s', false],
    ['a@example.s1', false],
    ['a@example.1se', false],
    ['a@example.se1', false],
    ['a@exempel.åäö', true],
  ])('%s → %s', (address, ok) => {
    expect(isDeliverableAddress(address)).toBe(ok);
  });
});
