/** Types of the API replies the supervisor pages read, inferred from the API's own zod schemas (type-only imports). */
import type { z } from 'zod';
import type { backlogView, drillDownList, kpiSeriesList, paretoView } from '../../../../src/api/analytics-schemas';
import type { complaintDetail, complaintList, complaintView } from '../../../../src/api/schemas';

export type KpiSeriesList = z.infer<typeof kpiSeriesList>;
export type KpiSeries = KpiSeriesList['items'][number];
export type ParetoView = z.infer<typeof paretoView>;
export type BacklogView = z.infer<typeof backlogView>;
export type DrillDownList = z.infer<typeof drillDownList>;
export type ComplaintView = z.infer<typeof complaintView>;
export type ComplaintList = z.infer<typeof complaintList>;
export type ComplaintDetail = z.infer<typeof complaintDetail>;
