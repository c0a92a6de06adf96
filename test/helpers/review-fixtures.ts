/**
 * Data for the quality-review tests: a service area written through the
 * catalog's own save (its first version dated when the test needs), KPI
 * facts written the way the complaint activity writes them, and the periods
 * a review would cover now.
 */
import { writeComplaintFact } from '../../activities/complaint';
import { saveAreaVersion } from '../../src/db/catalog';
import type { Models } from '../../src/db/models';
import { type ComplaintFact, dayInZone } from '../../src/domain/kpi';
import { type ReviewPeriod, lastEndedPeriod } from '../../src/domain/review';
import type { QualityObjective, ServiceAreaDefinition } from '../../src/domain/service-area';

export const PARIS = 'Europe/Paris';

/** The calendar of the demo data in Paris (src/db/seed.ts). */
export const PARIS_CALENDAR = 'paris-office';

export const BILLING_OBJECTIVES: QualityObjective[] = [
  { kpi: 'first_response_attainment', comparator: '>=', target: 0.9 },
  { kpi: 'csat_average', comparator: '>=', target: 4.0 },
];

export function areaDefinition(overrides: Partial<ServiceAreaDefinition> = {}): ServiceAreaDefinition {
  return {
    name: 'Billing support',
    match: { categories: ['billing-review-test'] },
    processOwnerId: 'olivia',
    calendarId: PARIS_CALENDAR,
    volumeUnit: 'invoices',
    causes: [
      { code: 'double-charge', label: 'Double charge' },
      { code: 'tariff-unclear', label: 'Tariff not explained' },
      { code: 'invoice-missing', label: 'Invoice not received' },
    ],
    objectives: BILLING_OBJECTIVES,
    review: { frequency: 'monthly', reviewerIds: ['simon', 'sam'] },
    ...overrides,
  };
}

/** Saves version 1 of an area; `createdAt` backdates it (an area that existed during past periods). */
export async function seedArea(models: Models, areaId: string, def: ServiceAreaDefinition = areaDefinition(), createdAt?: Date): Promise<void> {
  await saveAreaVersion(models, areaId, 0, def, 'ada');
  if (createdAt) await models.ServiceArea.updateOne({ _id: `${areaId}@1` }, { $set: { createdAt } });
}

/** The monthly period that has ended by now in Paris (what the schedule reviews today). */
export const lastEndedMonth = (now = Date.now()): ReviewPeriod => lastEndedPeriod(dayInZone(now, PARIS), 'monthly');

/** Day `n` (1-based) of a period, YYYY-MM-DD. */
export const dayOf = (period: ReviewPeriod, n: number): string => new Date(Date.parse(`${period.from}T00:00:00Z`) + (n - 1) * 86_400_000).toISOString().slice(0, 10);

export interface FactSpec {
  id: string;
  areaId: string;
  day: string;
  /** First response decided: met or missed. */
  firstResponseMet: boolean;
  csat: number | null;
  cause: string | null;
}

/** A resolved complaint's KPI fact, as src/domain/kpi.ts `complaintFact` would give it. */
export function fact(spec: FactSpec): ComplaintFact {
  return {
    complaintId: spec.id,
    version: 5,
    areaId: spec.areaId,
    timeZone: PARIS,
    day: spec.day,
    createdAt: Date.parse(`${spec.day}T10:00:00Z`),
    status: 'closed',
    cancelled: false,
    category: 'billing-review-test',
    channel: 'email',
    severity: 'P3',
    queue: 'general',
    agentId: 'alice',
    policy: 'standard-business-hours@1',
    cause: spec.cause,
    tags: [],
    resolved: true,
    firstResponse: { decided: true, met: spec.firstResponseMet, businessMinutes: spec.firstResponseMet ? 30 : 300 },
    resolution: { decided: true, met: true, businessMinutes: 600 },
    nextResponse: { decided: 0, met: 0 },
    breaches: spec.firstResponseMet ? 0 : 1,
    escalations: 0,
    reopens: 0,
    transfers: 0,
    csat: spec.csat,
    csatRequested: true,
  };
}

/** Writes the facts (and marks their area-days dirty) the way the complaint persistence activity does. */
export async function writeFacts(models: Models, specs: readonly FactSpec[]): Promise<void> {
  for (const s of specs) await writeComplaintFact(models, fact(s));
}
