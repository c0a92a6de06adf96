/**
 * Shapes of the audit endpoints, taken from the API's own schemas and
 * services (type-only imports: nothing of them reaches the bundle).
 */
import type { z } from 'zod';
import type { auditEventPage } from '../../../../src/api/audit-schemas';
import type { historyView, slaTimelineView } from '../../../../src/api/history-schemas';
import type { AuditIntegrityService, VerifyReport } from '../../../../src/services/audit-integrity';

export type AuditEventPage = z.infer<typeof auditEventPage>;
export type AuditEventView = AuditEventPage['items'][number];
export type HistoryView = z.infer<typeof historyView>;
export type HistoryItem = HistoryView['timeline'][number];
export type SlaTimelineView = z.infer<typeof slaTimelineView>;
export type ClockView = SlaTimelineView['clocks'][number];
export type { VerifyReport };
export type ChainBreak = NonNullable<VerifyReport['firstBreak']>;
/** GET /audit/digests/latest (the service's answer, as the route returns it). */
export type LatestDigest = NonNullable<Awaited<ReturnType<AuditIntegrityService['latestDigest']>>>;

/** The entity types the search endpoint filters on (checked against the service's own type). */
export { AUDIT_ENTITY_TYPES as ENTITY_TYPES } from '../../../../src/contracts/audit';
/** Entities with a history page (GET /complaints/:id/history, GET /cycles/:id/history). */
export const HISTORY_KINDS = ['complaint', 'cycle'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];
