/**
 * The agent screens' types, inferred from the API's own zod schemas (type-only
 * imports: nothing of src/api reaches the bundle).
 */
import type { z } from 'zod';
import type { areaView } from '../../../../src/api/area-schemas';
import type { historyView, slaTimelineView } from '../../../../src/api/history-schemas';
import type { actionBodies, complaintDetail, complaintList, complaintView, listComplaintsQuery } from '../../../../src/api/schemas';
import type { AvailableAction } from '../../../../src/contracts/actions';

export type ComplaintView = z.infer<typeof complaintView>;
export type ComplaintDetail = z.infer<typeof complaintDetail>;
export type ComplaintList = z.infer<typeof complaintList>;
export type SlaView = NonNullable<ComplaintView['sla']>;
export type ClockView = SlaView['clocks'][number];
export type HistoryView = z.infer<typeof historyView>;
export type SlaTimelineView = z.infer<typeof slaTimelineView>;
export type AreaView = z.infer<typeof areaView>;
export type { AvailableAction };

/** The filters of `GET /complaints` as they travel in the URL (strings, as the API reads them). */
export type QueueFilters = Partial<Record<Exclude<keyof z.input<typeof listComplaintsQuery>, 'limit' | 'cursor'>, string>>;

/** What each action's body looks like before the API's defaults apply. */
export type ActionBody<K extends keyof typeof actionBodies> = z.input<(typeof actionBodies)[K]>;
export type ActionName = keyof typeof actionBodies;
