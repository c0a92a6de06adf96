/** The audit digest job: a Temporal Schedule starting one short workflow per period. */
export const AUDIT_DIGEST_WORKFLOW = 'auditDigestWorkflow';
export const AUDIT_DIGEST_SCHEDULE_ID = 'qualityloop-audit-digest';

/**
 * A digest covers events recorded up to this long before the job ran, so a
 * persistence activity still writing (30 s timeout) is not half-covered.
 */
export const DIGEST_LAG_MS = 60_000;

export interface DigestResult {
  seq: number;
  hash: string;
  root: string;
  streamCount: number;
  changedStreams: number;
  /** True when a digest for this cutoff (or a later one) already existed. */
  existing: boolean;
}

/** What the audit trail records events about (`entityType`; the stream is `<type>:<id>`). Users: password changes and sign-in provisioning. */
export const AUDIT_ENTITY_TYPES = ['complaint', 'cycle', 'review', 'user', 'customer', 'follow_up', 'survey'] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];
