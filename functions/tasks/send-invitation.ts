import * as z from 'zod/mini';
import { getDeps } from '#adapters/deps';
import { sendStudyVisitInvitation } from '#core/use-cases/workflow-steps';
import { CasePayload, taskHandler } from './kit.ts';

const InvitationPayload = z.object({ ...CasePayload.shape, meeting: z.literal('studyVisit') });

export const handler = taskHandler('send-invitation', InvitationPayload, ({ caseId }) =>
  sendStudyVisitInvitation(getDeps(), caseId),
);
