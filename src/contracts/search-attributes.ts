/**
 * Every custom search attribute qualityloop's workflows set, so auditors and
 * operators can find complaints and cycles in the Temporal Web UI. Registered
 * by the dev-server launcher, the test helpers and docker-compose's one-shot.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

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

export const ALL_SEARCH_ATTRIBUTES = [...Object.values(complaintSearchAttributes), ...Object.values(cycleSearchAttributes)];

/** `name=Type` pairs for `temporal server start-dev --search-attribute`. */
export const SEARCH_ATTRIBUTE_FLAGS = ALL_SEARCH_ATTRIBUTES.map((k) => `${k.name}=${k.type === SearchAttributeType.BOOL ? 'Bool' : 'Keyword'}`);
