import type { CaseRecord } from '#core/case';
import type { CaseRepository, MailPort, OutgoingMessage, PageRequest } from '#core/ports';
import type { Unit } from '#core/units';

/**
 * An in-memory CaseRepository with the same optimistic-locking contract as the DynamoDB one,
 * for the workflow tests (the integration tests use DynamoDB Local).
 */
export class MemoryRepo implements CaseRepository {
  readonly cases = new Map<string, CaseRecord>();
  private readonly submissions = new Map<string, string>();
  private counter = 0;
  constructor(private readonly units: Unit[] = []) {}

  async nextReference(year: number) {
    this.counter += 1;
    return `SV-${year}-${String(this.counter).padStart(4, '0')}`;
  }
  async createCase(record: CaseRecord, submissionId: string) {
    const prior = this.submissions.get(submissionId);
    if (prior) return { created: false, caseId: prior };
    this.submissions.set(submissionId, record.caseId);
    this.cases.set(record.caseId, structuredClone(record));
    return { created: true, caseId: record.caseId };
  }
  async getCase(caseId: string) {
    const c = this.cases.get(caseId);
    return c ? structuredClone(c) : undefined;
  }
  async getCases(ids: readonly string[]) {
    return ids.map((id) => this.cases.get(id)).filter((c): c is CaseRecord => !!c);
  }
  async listCasesByOrganisation(org: string, page: PageRequest) {
    return { items: [...this.cases.values()].filter((c) => c.organisationId === org).slice(0, page.limit) };
  }
  async listCases(page: PageRequest) {
    return { items: [...this.cases.values()].slice(0, page.limit) };
  }
  async saveCase(next: CaseRecord) {
    const current = this.cases.get(next.caseId);
    if (!current || current.version !== next.version - 1) return false;
    this.cases.set(next.caseId, structuredClone(next));
    return true;
  }
  async listUnits() {
    return this.units;
  }
}

export class RecordingMail implements MailPort {
  readonly sent: OutgoingMessage[] = [];
  async send(m: OutgoingMessage) {
    this.sent.push(m);
    return { messageId: `m-${this.sent.length}` };
  }
}
