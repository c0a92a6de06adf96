/**
 * Every custom search attribute qualityloop's workflows set, so auditors and
 * operators can find complaints and cycles in the Temporal Web UI. Registered
 * by the dev-server launcher, the test helpers and docker-compose's one-shot.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { CycleType } from '../domain/cycle';

export const complaintSearchAttributes = {
  status: defineSearchAttributeKey('ComplaintStatus', SearchAttributeType.KEYWORD),
  severity: defineSearchAttributeKey('ComplaintSeverity', SearchAttributeType.KEYWORD),
  owner: defineSearchAttributeKey('ComplaintOwner', SearchAttributeType.KEYWORD),
  category: defineSearchAttributeKey('ComplaintCategory', SearchAttributeType.KEYWORD),
  breached: defineSearchAttributeKey('SlaBreached', SearchAttributeType.BOOL),
} as const;

export const cycleSearchAttributes = {
  type: defineSearchAttributeKey('CycleType', SearchAttributeType.KEYWORD),
  phase: defineSearchAttributeKey('CyclePhase', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('CycleStatus', SearchAttributeType.KEYWORD),
  owner: defineSearchAttributeKey('CycleOwner', SearchAttributeType.KEYWORD),
  sponsor: defineSearchAttributeKey('CycleSponsor', SearchAttributeType.KEYWORD),
} as const;

/** The attributes a cycle workflow starts with: its first phase, active. */
export function initialCycleSearchAttributes(c: { type: CycleType; ownerId: string; sponsorId: string }) {
  return [
    { key: cycleSearchAttributes.type, value: c.type },
    { key: cycleSearchAttributes.phase, value: c.type === 'pdca' ? 'plan' : 'define' },
    { key: cycleSearchAttributes.status, value: 'active' },
    { key: cycleSearchAttributes.owner, value: c.ownerId },
    { key: cycleSearchAttributes.sponsor, value: c.sponsorId },
  ];
}

export const ALL_SEARCH_ATTRIBUTES = [...Object.values(complaintSearchAttributes), ...Object.values(cycleSearchAttributes)];

/** `name=Type` pairs for `temporal server start-dev --search-attribute`. */
export const SEARCH_ATTRIBUTE_FLAGS = ALL_SEARCH_ATTRIBUTES.map((k) => `${k.name}=${k.type === SearchAttributeType.BOOL ? 'Bool' : 'Keyword'}`);
