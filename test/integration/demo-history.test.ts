/**
 * The demo history `npm run dev` writes (scripts/demo-history.ts), on the real
 * FerretDB: deterministic for a given day, written once, and telling the story
 * the README promises (billing's complaint rate doubles from week 9 and one
 * cause dominates each area), every complaint closed and on its audit chain.
 */
import { DEMO_HISTORY_WEEKS, DEMO_TRIGGERS, seedDemoHistory } from '../../scripts/demo-history';
import { createTriggerService } from '../../src/services/triggers';
import { seedDemoData } from '../../src/db/seed';
import { addDays, isoWeek } from '../../src/domain/kpi';
import { openTestDb, testConfig } from '../helpers/stack';

const NOW = Date.parse('2026-11-29T19:00:00Z');
type Db = Awaited<ReturnType<typeof openTestDb>>;

interface StoredFact {
  complaintId: string;
  areaId: string;
  day: string;
  status: string;
  cause: string | null;
}

async function facts(models: Db): Promise<StoredFact[]> {
  const docs = await models.ComplaintFact.find({}).lean();
  return docs.map((d) => JSON.parse(d.factJson) as StoredFact).sort((a, b) => a.complaintId.localeCompare(b.complaintId));
}

describe('demo history', () => {
  const dbs: Db[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });
  async function seeded(): Promise<Db> {
    const models = await openTestDb(testConfig());
    dbs.push(models);
    await seedDemoData(models, 'test-pepper-0123456789');
    return models;
  }

  let first: Db;
  let firstFacts: StoredFact[];
  beforeAll(async () => {
    first = await seeded();
    const result = await seedDemoHistory(first, { now: NOW });
    expect(result).toMatchObject({ written: true, to: '2026-11-28', from: addDays('2026-11-28', -(DEMO_HISTORY_WEEKS * 7 - 1)) });
    firstFacts = await facts(first);
    expect(firstFacts).toHaveLength(result.complaints);
  });

  it('given the history written once, when it is seeded again, then nothing is added or rewritten', async () => {
    const before = { facts: await first.ComplaintFact.countDocuments(), events: await first.AuditEvent.countDocuments(), volumes: await first.ServiceVolume.countDocuments() };
    const again = await seedDemoHistory(first, { now: NOW + 3_600_000 });
    expect(again.written).toBe(false);
    expect({ facts: await first.ComplaintFact.countDocuments(), events: await first.AuditEvent.countDocuments(), volumes: await first.ServiceVolume.countDocuments() }).toEqual(before);
  });

  it('given the same day, when the history is written into another database, then it is the same complaint for complaint', async () => {
    const second = await seeded();
    await seedDemoHistory(second, { now: NOW });
    expect(await facts(second)).toEqual(firstFacts);
  });

  it('given the history, when read back, then every complaint is closed, in an area, with a cause of that area, and its audit stream starts at intake', async () => {
    expect(firstFacts.length).toBeGreaterThan(300);
    const causes: Record<string, string[]> = {
      billing: ['double_charge', 'tariff_not_explained', 'invoice_not_received', 'payment_not_applied', 'other'],
      delivery: ['late_courier', 'wrong_address', 'damaged_parcel', 'lost_parcel'],
    };
    for (const f of firstFacts) {
      expect(f.status).toBe('closed');
      expect(causes[f.areaId]).toContain(f.cause);
    }
    const sample = firstFacts[Math.floor(firstFacts.length / 2)]!;
    const intake = await first.AuditEvent.findById(`complaint:${sample.complaintId}:1`).lean();
    expect(intake).toMatchObject({ action: 'intake', entityId: sample.complaintId });
  });

  it('given the history, when counted independently, then billing complaints per 1,000 transactions double from week 9 and each area has one dominant cause', async () => {
    const volumes = await first.ServiceVolume.find({}).lean();
    const weeks = [...new Set(firstFacts.map((f) => isoWeek(f.day)))].sort();
    expect(weeks.length).toBeGreaterThanOrEqual(DEMO_HISTORY_WEEKS);
    const ratePer1000 = (areaId: string, inWeeks: string[]) => {
      const complaints = firstFacts.filter((f) => f.areaId === areaId && inWeeks.includes(isoWeek(f.day))).length;
      const volume = volumes.filter((v) => v.areaId === areaId && inWeeks.includes(isoWeek(v.day))).reduce((s, v) => s + v.volume, 0);
      return (complaints * 1000) / volume;
    };
    const early = weeks.slice(1, 8);
    const late = weeks.slice(-4, -1);
    expect(ratePer1000('billing', late)).toBeGreaterThan(1.6 * ratePer1000('billing', early));
    expect(ratePer1000('delivery', late)).toBeLessThan(1.4 * ratePer1000('delivery', early));

    const top = (areaId: string) => {
      const counts = new Map<string, number>();
      for (const f of firstFacts.filter((x) => x.areaId === areaId)) counts.set(f.cause!, (counts.get(f.cause!) ?? 0) + 1);
      const [cause, count] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
      return { cause, share: count / firstFacts.filter((x) => x.areaId === areaId).length };
    };
    expect(top('billing')).toMatchObject({ cause: 'double_charge' });
    expect(top('billing').share).toBeGreaterThan(0.4);
    expect(top('delivery')).toMatchObject({ cause: 'late_courier' });
    expect(top('delivery').share).toBeGreaterThan(0.4);
  });

  it('given the history, when the demo triggers are evaluated the next evening, then both signal: billing on its complaint-rate chart, delivery on its dominant cause, each opening one cycle', async () => {
    const runs = await createTriggerService({ models: first }).evaluateTriggers({ now: NOW, dryRun: true });
    expect(runs.map((r) => r.triggerId).sort()).toEqual(Object.keys(DEMO_TRIGGERS).sort());
    const byId = new Map(runs.map((r) => [r.triggerId, r]));
    expect(byId.get('billing-complaint-rate')).toMatchObject({ outcome: 'signal', subject: 'all', decision: { kind: 'open', intake: { ownerId: 'olivia', type: 'dmaic' } } });
    expect(byId.get('delivery-top-cause')).toMatchObject({ outcome: 'signal', subject: 'cause=late_courier', decision: { kind: 'open', intake: { ownerId: 'olivia', type: 'pdca' } } });
    for (const run of runs) expect(run.summary).toMatch(/\d/);
  });
});
