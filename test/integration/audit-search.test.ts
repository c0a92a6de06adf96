/**
 * Audit trail search (GET /audit/events) and streaming export (GET
 * /audit/export) against the real stack: events written by the workflows
 * for complaints and a cycle acted on through the API, plus synthetic events
 * inserted straight into `audit_events`. Every expectation is computed from
 * what the collection holds (`find({}).lean()`), ordered by (at, _id).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import type { AuditEventView, StoredAuditEvent } from '../../src/domain/audit-export';
import { type ApiStack, type Problem, errorPaths, expectProblem, startApiStack } from '../helpers/api';
import { parseCsv } from '../helpers/csv';
import { ACTION_DUE, validCycle } from '../helpers/cycle-endpoints';
import { eventually } from '../helpers/stack';

type Stored = StoredAuditEvent;
type View = AuditEventView;

interface Page {
  items: View[];
  nextCursor: string | null;
}

const CSV_HEADER = ['id', 'stream', 'seq', 'at', 'entityType', 'entityId', 'action', 'actorId', 'actorRole', 'prevHash', 'hash', 'recordedAt', 'before', 'after', 'details'];

/** The search and export order: business time, then id (string order). */
const byAtThenId = (a: Stored, b: Stored) => a.at.getTime() - b.at.getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);

/** What the API must answer for a stored event, built from the spec rather than from the code under test. */
function expectedView(d: Stored): View {
  return JSON.parse(
    JSON.stringify({
      id: d._id,
      stream: d.stream,
      seq: d.seq,
      entityType: d.entityType,
      entityId: d.entityId,
      action: d.action,
      actor: { id: d.actor.id, role: d.actor.role },
      at: d.at.toISOString(),
      before: d.before ?? null,
      after: d.after ?? null,
      details: d.details ?? {},
      prevHash: d.prevHash ?? null,
      hash: d.hash ?? null,
      recordedAt: d.recordedAt ? d.recordedAt.toISOString() : null,
    }),
  ) as View;
}

/** The CSV record (as strings) for a stored event: empty field for null scalars, compact JSON for the JSON columns. */
function expectedCsvRow(d: Stored): string[] {
  const v = expectedView(d);
  return [
    v.id,
    v.stream,
    String(v.seq),
    v.at,
    v.entityType,
    v.entityId,
    v.action,
    v.actor.id,
    v.actor.role,
    v.prevHash ?? '',
    v.hash ?? '',
    v.recordedAt ?? '',
    JSON.stringify(v.before),
    JSON.stringify(v.after),
    JSON.stringify(v.details),
  ];
}

const qs = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
const iso = (ms: number) => new Date(ms).toISOString();

/** A synthetic event, as the workflow activity would have stored it. */
function synthetic(stream: string, seq: number, at: Date, over: Partial<Stored> = {}): Stored {
  const [entityType, entityId] = stream.split(':') as [string, string];
  return {
    _id: `${stream}:${seq}`,
    stream,
    seq,
    entityType,
    entityId,
    action: 'add_note',
    actor: { id: 'alice', role: 'agent' },
    at,
    before: { status: 'in_progress' },
    after: { status: 'in_progress' },
    details: { n: seq },
    prevHash: seq === 1 ? null : `prev-${stream}-${seq - 1}`,
    hash: `hash-${stream}-${seq}`,
    recordedAt: new Date(at.getTime() + 5),
    ...over,
  };
}

describe('audit trail search and export', () => {
  let stack: ApiStack;
  const ids = { a: '', b: '', cycle: '' };

  const call = <T = Page>(path: string, key = stack.keys.audrey!) => stack.call<T>('GET', path, { key });

  async function stored(filter: (d: Stored) => boolean = () => true): Promise<Stored[]> {
    const all = (await stack.models.AuditEvent.find({}).lean()) as unknown as Stored[];
    return all.filter(filter).sort(byAtThenId);
  }

  /** Follows nextCursor to the end; checks every page on the way. */
  async function searchAll(params: Record<string, string | number>, onPage?: (page: Page, n: number) => Promise<void>): Promise<{ items: View[]; pages: number }> {
    const items: View[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Awaited<ReturnType<typeof call<Page>>> = await call<Page>(`/audit/events?${qs({ ...params, ...(cursor ? { cursor } : {}) })}`);
      expect({ params, status: res.status }).toEqual({ params, status: 200 });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      if (typeof params.limit === 'number') expect(res.body.items.length).toBeLessThanOrEqual(params.limit);
      items.push(...res.body.items);
      pages += 1;
      cursor = res.body.nextCursor;
      if (onPage) await onPage(res.body, pages);
    } while (cursor);
    return { items, pages };
  }

  async function actOnComplaint(id: string, slug: string, key: string, body: Record<string, unknown> = {}): Promise<number> {
    const res = await stack.call('POST', `/complaints/${id}/${slug}`, { key, body });
    expect({ slug, status: res.status }).toEqual({ slug, status: 200 });
    return res.body.version as number;
  }

  /** The workflows write events asynchronously: wait until a stream holds `version` events. */
  const persisted = (stream: string, version: number) =>
    eventually(async () => (await stack.models.AuditEvent.countDocuments({ stream })) >= version, 20_000, `${version} audit events in ${stream}`);

  beforeAll(async () => {
    stack = await startApiStack();
    const { keys } = stack;
    const intake = async () => {
      const res = await stack.call('POST', '/complaints', {
        key: keys.webform,
        body: { customer: { id: 'cust-audit' }, channel: 'web', category: 'delivery', severity: 'P3', description: 'Parcel, "late" again.\nSecond line ✓' },
      });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    // Complaint A: intake (webform), acknowledged, public reply and resolved by alice.
    ids.a = await intake();
    await persisted(`complaint:${ids.a}`, 1);
    await actOnComplaint(ids.a, 'acknowledge', keys.alice!);
    await actOnComplaint(ids.a, 'add-note', keys.alice!, { text: 'Looking into it, sorry.', visibility: 'public' });
    const aVersion = await actOnComplaint(ids.a, 'resolve', keys.alice!, { summary: 'Re-delivered.' });
    // Complaint B: acknowledged by bob, escalated and withdrawn by sam.
    ids.b = await intake();
    await persisted(`complaint:${ids.b}`, 1);
    await actOnComplaint(ids.b, 'acknowledge', keys.bob!);
    await actOnComplaint(ids.b, 'change-severity', keys.sam!, { severity: 'P1', reason: 'VIP customer' });
    const bVersion = await actOnComplaint(ids.b, 'cancel', keys.sam!, { reason: 'withdrawn' });
    // Cycle: created by olivia, who plans an action.
    const created = await stack.call('POST', '/cycles', { key: keys.olivia, body: validCycle() });
    expect(created.status).toBe(201);
    ids.cycle = created.body.id as string;
    await persisted(`cycle:${ids.cycle}`, 1);
    const planned = await stack.call('POST', `/cycles/${ids.cycle}/add-action`, { key: keys.olivia, body: { title: 'Triage script', assigneeId: 'alice', dueAt: ACTION_DUE } });
    expect(planned.status).toBe(200);
    await Promise.all([persisted(`complaint:${ids.a}`, aVersion), persisted(`complaint:${ids.b}`, bVersion), persisted(`cycle:${ids.cycle}`, planned.body.version as number)]);
    // The engine's own events (timers) carry the system actor; none fire this soon, so one is stored directly.
    await stack.models.AuditEvent.collection.insertOne(synthetic('complaint:c_timer', 1, new Date(), { action: 'sla_breached', actor: { id: 'system', role: 'system' }, details: { clock: 'first_response' } }) as never);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  describe('search', () => {
    it('given events of two complaints and a cycle, when searching without filters, then every stored event comes back once, in (at, _id) order, as the event view', async () => {
      const all = await stored();
      expect(all.length).toBeGreaterThanOrEqual(11);
      const res = await call(`/audit/events`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: all.map(expectedView), nextCursor: null });
      // Hash fields are passed through as stored (their values are the chain's business, not this endpoint's).
      const hashed = all.find((d) => typeof d.hash === 'string');
      if (hashed) expect(res.body.items.find((i) => i.id === hashed._id)).toMatchObject({ hash: hashed.hash, prevHash: hashed.prevHash ?? null });
      const sample = res.body.items.find((i) => i.id === `complaint:${ids.a}:1`)!;
      expect(sample).toMatchObject({ stream: `complaint:${ids.a}`, seq: 1, entityType: 'complaint', entityId: ids.a, action: 'intake', actor: { id: 'webform', role: 'intake' } });
      expect(sample.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it('given each filter alone, when searching, then exactly the stored events matching it come back, in order', async () => {
      const cases: { params: Record<string, string>; match: (d: Stored) => boolean }[] = [
        { params: { stream: `complaint:${ids.a}` }, match: (d) => d.stream === `complaint:${ids.a}` },
        { params: { stream: `cycle:${ids.cycle}` }, match: (d) => d.stream === `cycle:${ids.cycle}` },
        { params: { entityType: 'complaint' }, match: (d) => d.entityType === 'complaint' },
        { params: { entityType: 'cycle' }, match: (d) => d.entityType === 'cycle' },
        { params: { entityId: ids.b }, match: (d) => d.entityId === ids.b },
        { params: { actor: 'alice' }, match: (d) => d.actor.id === 'alice' },
        { params: { actor: 'sam' }, match: (d) => d.actor.id === 'sam' },
        { params: { role: 'intake' }, match: (d) => d.actor.role === 'intake' },
        { params: { role: 'agent' }, match: (d) => d.actor.role === 'agent' },
        { params: { role: 'supervisor' }, match: (d) => d.actor.role === 'supervisor' },
        { params: { role: 'process_owner' }, match: (d) => d.actor.role === 'process_owner' },
        { params: { role: 'system' }, match: (d) => d.actor.role === 'system' },
        { params: { action: 'acknowledge' }, match: (d) => d.action === 'acknowledge' },
        { params: { action: 'sla_breached' }, match: (d) => d.action === 'sla_breached' },
        { params: { action: 'intake' }, match: (d) => d.action === 'intake' },
      ];
      const all = await stored();
      for (const { params, match } of cases) {
        const expected = all.filter(match).map((d) => d._id);
        // Every case selects something, but not everything: the filter is really applied.
        expect({ params, selective: expected.length > 0 && expected.length < all.length }).toEqual({ params, selective: true });
        const { items } = await searchAll({ ...params, limit: 500 });
        expect({ params, ids: items.map((i) => i.id) }).toEqual({ params, ids: expected });
      }
    });

    it('given several filters together, when searching, then only events matching all of them come back', async () => {
      const all = await stored();
      const cases: { params: Record<string, string>; match: (d: Stored) => boolean; empty?: true }[] = [
        { params: { stream: `complaint:${ids.a}`, action: 'acknowledge' }, match: (d) => d.stream === `complaint:${ids.a}` && d.action === 'acknowledge' },
        { params: { entityType: 'complaint', actor: 'alice', role: 'agent' }, match: (d) => d.entityType === 'complaint' && d.actor.id === 'alice' && d.actor.role === 'agent' },
        { params: { entityId: ids.b, actor: 'sam', action: 'cancel' }, match: (d) => d.entityId === ids.b && d.actor.id === 'sam' && d.action === 'cancel' },
        { params: { role: 'intake', entityId: ids.a }, match: (d) => d.actor.role === 'intake' && d.entityId === ids.a },
        { params: { entityType: 'cycle', stream: `complaint:${ids.a}` }, match: () => false, empty: true },
        { params: { actor: 'alice', entityId: ids.b }, match: () => false, empty: true },
      ];
      for (const { params, match, empty } of cases) {
        const expected = all.filter(match).map((d) => d._id);
        expect({ params, found: expected.length > 0 }).toEqual({ params, found: !empty });
        const { items } = await searchAll({ ...params, limit: 500 });
        expect({ params, ids: items.map((i) => i.id) }).toEqual({ params, ids: expected });
      }
    });

    it('given a time range, when searching, then from is inclusive and to is exclusive, whatever the offset the instants are written with', async () => {
      const all = await stored();
      const pivot = all[Math.floor(all.length / 2)]!;
      const t = pivot.at.getTime();
      const idsWhere = (f: (ms: number) => boolean) => all.filter((d) => f(d.at.getTime())).map((d) => d._id);
      const run = async (params: Record<string, string>) => (await searchAll({ ...params, limit: 500 })).items.map((i) => i.id);

      const fromT = await run({ from: iso(t) });
      expect(fromT).toEqual(idsWhere((ms) => ms >= t));
      expect(fromT).toContain(pivot._id);
      const toT = await run({ to: iso(t) });
      expect(toT).toEqual(idsWhere((ms) => ms < t));
      expect(toT).not.toContain(pivot._id);
      expect([...toT, ...fromT]).toEqual(all.map((d) => d._id));
      // [t, t + 1 ms) is exactly the events at t.
      expect(await run({ from: iso(t), to: iso(t + 1) })).toEqual(idsWhere((ms) => ms === t));
      // The same instant written as 2 hours ahead of UTC.
      const plus2 = new Date(t + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
      expect(await run({ from: plus2 })).toEqual(fromT);
      // Combined with another filter.
      expect(await run({ from: iso(t), entityType: 'complaint' })).toEqual(all.filter((d) => d.at.getTime() >= t && d.entityType === 'complaint').map((d) => d._id));
    });

    it('given a small page size, when paging while new events are stored between pages, then every event is visited exactly once in (at, _id) order and later events are picked up', async () => {
      const before = await stored();
      const inserted: Stored[] = [];
      const { items, pages } = await searchAll({ limit: 2 }, async (page, n) => {
        if (n !== 1) return;
        const last = before.find((d) => d._id === page.items[1]!.id)!;
        const lastAt = last.at;
        const events = [
          // Sorts after the cursor: must appear on a later page.
          synthetic('complaint:c_paging_late', 1, new Date(Date.now() + 86_400_000)),
          // Same instant as the page's last event, id sorting after it ('cycle:zz' > any complaint:/cycle:y_ id): must appear.
          synthetic('cycle:zz_paging_tie', 1, lastAt),
          // Same instant, id sorting before it: behind the cursor, so not on any later page.
          synthetic('complaint:a_paging_tie', 1, lastAt),
          // Backdated: behind the cursor.
          synthetic('complaint:c_paging_early', 1, new Date('2001-01-01T00:00:00Z')),
        ];
        await stack.models.AuditEvent.collection.insertMany(events as never[]);
        inserted.push(...events);
      });
      const visited = items.map((i) => i.id);
      expect(new Set(visited).size).toBe(visited.length);
      const expected = [...before, inserted[0]!, inserted[1]!].sort(byAtThenId).map((d) => d._id);
      expect(visited).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / 2));
      expect(visited).not.toContain('complaint:a_paging_tie:1');
      expect(visited).not.toContain('complaint:c_paging_early:1');
      // A fresh search sees all of them, in order.
      expect((await searchAll({ limit: 3 })).items.map((i) => i.id)).toEqual((await stored()).map((d) => d._id));
    });

    it('given invalid filters or operator-injection attempts, when searching, then 400 names the failing query fields', async () => {
      const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const cases: [string, string[]][] = [
        ['foo=1', ['query.foo']],
        ['from=yesterday', ['query.from']],
        ['from=2025-01-01T00:00:00', ['query.from']],
        ['to=2025-02-30T00:00:00Z', ['query.to']],
        ['from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z', ['query.to']],
        ['from=2025-01-01T00:00:00Z&to=2025-01-01T00:00:00Z', ['query.to']],
        ['from=2025-01-01T02:00:00%2B02:00&to=2025-01-01T00:00:00Z', ['query.to']],
        ['actor[$ne]=x', ['query.actor[$ne]']],
        ['actor%5B%24ne%5D=x', ['query.actor[$ne]']],
        ['entityId[$regex]=.*', ['query.entityId[$regex]']],
        [`stream=${encodeURIComponent('{"$gt":""}')}`, ['query.stream']],
        ['stream=%7B%22%24gt%22%3A%22%22%7D', ['query.stream']],
        ['stream=account:alice', ['query.stream']],
        ['actor=alice&actor=bob', ['query.actor']],
        ['actor=%24where', ['query.actor']],
        ['role=root', ['query.role']],
        ['action=Drop%20table', ['query.action']],
        ['entityType=account', ['query.entityType']],
        ['limit=0', ['query.limit']],
        ['limit=501', ['query.limit']],
        ['limit=ten', ['query.limit']],
        ['cursor=not*a*cursor', ['query.cursor']],
        [`cursor=${cursorOf({ k: 'x', id: 'complaint:c_1:1' })}`, ['query.cursor']],
        [`cursor=${cursorOf({ k: 1, id: { $gt: '' } })}`, ['query.cursor']],
        ['cursor=bm90IGpzb24', ['query.cursor']],
        ['role=root&limit=0&bogus=1', ['query.role', 'query.limit', 'query.bogus']],
      ];
      for (const [query, paths] of cases) {
        const res = await call<Problem>(`/audit/events?${query}`);
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect({ query, paths: errorPaths(res).sort() }).toEqual({ query, paths: [...paths].sort() });
      }
    });

    it('given callers without audit.read, when searching or exporting, then 403; without a valid key 401; auditors and admins are let in', async () => {
      for (const user of ['alice', 'sam', 'olivia', 'simon', 'webform']) {
        for (const path of ['/audit/events', '/audit/export', '/audit/export?format=csv']) {
          const res = await call<Problem>(path, stack.keys[user]!);
          expectProblem(res, 403, 'NOT_PERMITTED');
        }
      }
      for (const path of ['/audit/events', '/audit/export']) {
        expectProblem(await stack.call<Problem>('GET', path), 401, 'UNAUTHENTICATED');
        expectProblem(await call<Problem>(path, 'not-a-valid-key-0123456789'), 401, 'UNAUTHENTICATED');
        for (const user of ['audrey', 'ada']) expect({ user, path, status: (await call(path, stack.keys[user]!)).status }).toEqual({ user, path, status: 200 });
      }
    });
  });

  describe('export', () => {
    const lines = (text: string) => {
      expect(text === '' || text.endsWith('\n')).toBe(true);
      return text === '' ? [] : text.slice(0, -1).split('\n');
    };
    const ndjsonIds = (text: string) => lines(text).map((l) => (JSON.parse(l) as View).id);

    it('given filters, when exporting as NDJSON or CSV, then exactly the matching events are exported, in (at, _id) order', async () => {
      const all = await stored();
      const t = all[Math.floor(all.length / 2)]!.at.getTime();
      const cases: { params: Record<string, string>; match: (d: Stored) => boolean }[] = [
        { params: { stream: `complaint:${ids.a}` }, match: (d) => d.stream === `complaint:${ids.a}` },
        { params: { entityType: 'cycle' }, match: (d) => d.entityType === 'cycle' },
        { params: { entityId: ids.b, role: 'supervisor' }, match: (d) => d.entityId === ids.b && d.actor.role === 'supervisor' },
        { params: { actor: 'alice', action: 'acknowledge' }, match: (d) => d.actor.id === 'alice' && d.action === 'acknowledge' },
        { params: { from: iso(t) }, match: (d) => d.at.getTime() >= t },
        { params: { to: iso(t), entityType: 'complaint' }, match: (d) => d.at.getTime() < t && d.entityType === 'complaint' },
      ];
      for (const { params, match } of cases) {
        const expected = all.filter(match);
        expect({ params, selective: expected.length > 0 && expected.length < all.length }).toEqual({ params, selective: true });
        const ndjson = await call<string>(`/audit/export?${qs({ ...params, format: 'ndjson' })}`);
        expect({ params, status: ndjson.status }).toEqual({ params, status: 200 });
        expect({ params, views: lines(ndjson.text).map((l) => JSON.parse(l) as View) }).toEqual({ params, views: expected.map(expectedView) });
        const csv = await call<string>(`/audit/export?${qs({ ...params, format: 'csv' })}`);
        expect({ params, status: csv.status }).toEqual({ params, status: 200 });
        expect({ params, rows: parseCsv(csv.text).slice(1) }).toEqual({ params, rows: expected.map(expectedCsvRow) });
        // Search pages the same filter in the same order.
        expect({ params, searched: (await searchAll({ ...params, limit: 2 })).items.map((i) => i.id) }).toEqual({ params, searched: expected.map((d) => d._id) });
      }
    });

    it('given filters that match nothing, when exporting, then NDJSON (the default format) is empty and CSV is only the header', async () => {
      const params = { stream: 'cycle:y_nothing_here' };
      const ndjson = await call<string>(`/audit/export?${qs(params)}`);
      expect({ status: ndjson.status, text: ndjson.text }).toEqual({ status: 200, text: '' });
      expect(ndjson.headers['content-type']).toMatch(/^application\/x-ndjson/);
      expect(ndjson.headers['content-disposition']).toMatch(/^attachment; filename="audit-\d{8}T\d{6}Z\.ndjson"$/);
      const csv = await call<string>(`/audit/export?${qs({ ...params, format: 'csv' })}`);
      expect({ status: csv.status, text: csv.text }).toEqual({ status: 200, text: `${CSV_HEADER.join(',')}\r\n` });
    });

    it('given invalid export parameters, when exporting, then 400 problem+json names the fields, with no attachment', async () => {
      const cases: [string, string[]][] = [
        ['format=xml', ['query.format']],
        ['limit=10', ['query.limit']],
        ['cursor=abc', ['query.cursor']],
        ['from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z', ['query.to']],
        ['actor[$ne]=x', ['query.actor[$ne]']],
        ['stream=%7B%22%24gt%22%3A%22%22%7D', ['query.stream']],
        ['role=root&format=csv', ['query.role']],
      ];
      for (const [query, paths] of cases) {
        const res = await call<Problem>(`/audit/export?${query}`);
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect({ query, paths: errorPaths(res).sort(), disposition: res.headers['content-disposition'] }).toEqual({ query, paths: [...paths].sort(), disposition: undefined });
      }
    });

    // FerretDB answers these filters with collection scans, so each export of this set takes seconds: few of them.
    describe('of 20,000 synthetic events', () => {
      const BULK = 20_000;
      const STREAMS = ['complaint:c_bulk0', 'complaint:c_bulk1', 'complaint:c_bulk2', 'cycle:y_bulk0'];
      const BASE = Date.parse('2024-06-03T08:00:00.000Z');
      const TRICKY = { text: 'comma, "quoted", CR\rLF\nCRLF\r\nend', unicode: 'Grüße ✓ 日本 😀', nothing: null, list: [1, 'two', { three: 3 }] };
      /** Everything stored once the bulk is in, in (at, _id) order. */
      let all: Stored[];

      beforeAll(async () => {
        let batch: Stored[] = [];
        for (let i = 0; i < BULK; i++) {
          const stream = STREAMS[i % STREAMS.length]!;
          const seq = Math.floor(i / STREAMS.length) + 1;
          // Three consecutive events share an instant: the _id tie-break decides their order.
          const at = new Date(BASE + Math.floor(i / 3) * 1000);
          const system = i % 5 === 0;
          batch.push(
            synthetic(stream, seq, at, {
              action: stream.startsWith('cycle:') ? 'measurements_recorded' : system ? 'sla_warning' : 'add_note',
              actor: system ? { id: 'system', role: 'system' } : { id: i % 2 ? 'alice' : 'bob', role: 'agent' },
              details: i % 7 === 0 ? { ...TRICKY, i } : { i },
              before: i % 11 === 0 ? null : { status: 'in_progress', i },
            }),
          );
          if (batch.length === 1000) {
            await stack.models.AuditEvent.collection.insertMany(batch as never[]);
            batch = [];
          }
        }
        all = await stored();
        expect(all.filter((d) => STREAMS.includes(d.stream)).length).toBe(BULK);
      }, 300_000);

      it('given 20,000+ stored events, when exported as NDJSON, then there is one line per event, in (at, _id) order, each the event view', async () => {
        const res = await call<string>('/audit/export?format=ndjson');
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
        expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-\d{8}T\d{6}Z\.ndjson"$/);
        const parsed = lines(res.text).map((l) => JSON.parse(l) as View);
        expect(parsed.length).toBe(all.length);
        expect(parsed.map((v) => v.id)).toEqual(all.map((d) => d._id));
        expect(parsed).toEqual(all.map(expectedView));
      });

      it('given the same events, when exported as CSV, then an RFC 4180 parser reads back the header and every event, field for field, in order', async () => {
        const res = await call<string>('/audit/export?format=csv');
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-\d{8}T\d{6}Z\.csv"$/);
        const [header, ...rows] = parseCsv(res.text);
        expect(header).toEqual(CSV_HEADER);
        expect(rows.length).toBe(all.length);
        expect(rows.map((r) => r[0])).toEqual(all.map((d) => d._id));
        expect(rows).toEqual(all.map(expectedCsvRow));
        // The JSON columns hold the stored values, commas, quotes, line breaks and unicode included.
        const trickyRow = rows.find((r) => r[0] === 'complaint:c_bulk0:1')!;
        expect(JSON.parse(trickyRow[14]!)).toEqual({ ...TRICKY, i: 0 });
        expect(trickyRow[12]).toBe('null');
      });

      it('given a filter matching thousands of them, when exporting, then exactly those come back in order, across many database batches', async () => {
        const from = BASE + 1000 * 1000;
        const to = BASE + 4000 * 1000;
        const params = { stream: 'complaint:c_bulk1', from: iso(from), to: iso(to) };
        const expected = all.filter((d) => d.stream === params.stream && d.at.getTime() >= from && d.at.getTime() < to).map((d) => d._id);
        expect(expected.length).toBeGreaterThan(2000);
        const res = await call<string>(`/audit/export?${qs(params)}`);
        expect(res.status).toBe(200);
        expect(ndjsonIds(res.text)).toEqual(expected);
      });

      describe('when a stored event cannot be exported', () => {
        const logged: { level: number; msg: string; requestId?: string }[] = [];
        let server: http.Server;
        let baseUrl: string;
        const GOOD = 1000;

        beforeAll(async () => {
          // The same app on the same database and Temporal client, with a logger the test can read.
          const log = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
          server = http.createServer(createApp({ config: stack.config, models: stack.models, client: stack.client, log }));
          await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
          baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
          const events: Stored[] = [];
          for (let i = 1; i <= 2 * GOOD + 1; i++) events.push(synthetic('cycle:y_broken', i, new Date(BASE + i * 1000), { details: { i, pad: 'x'.repeat(200) } }));
          // Event GOOD + 1 lost its receipt time to a bad migration: it cannot be represented.
          events[GOOD] = { ...events[GOOD]!, recordedAt: 'not a date' as unknown as Date };
          await stack.models.AuditEvent.collection.insertMany(events as never[]);
          await stack.models.AuditEvent.collection.insertOne(synthetic('cycle:y_broken_first', 1, new Date(BASE), { recordedAt: 'garbage' as unknown as Date }) as never);
        });
        afterAll(async () => {
          await new Promise<void>((r) => {
            server?.close(() => r());
            server?.closeAllConnections();
          });
          await stack.models.AuditEvent.deleteMany({ stream: { $in: ['cycle:y_broken', 'cycle:y_broken_first'] } });
        });

        /** A GET that also reports whether the body arrived complete (a destroyed chunked response does not). */
        function rawGet(path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; complete: boolean }> {
          return new Promise((resolve, reject) => {
            const req = http.get(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${stack.keys.audrey}` } }, (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('error', () => undefined); // 'aborted': reported through `complete`
              res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), complete: res.complete }));
            });
            req.on('error', reject);
          });
        }


        it('given a malformed event in the middle of the export, when exporting, then the transfer is cut short (never a complete-looking file) and the failure is logged', async () => {
          const res = await rawGet('/audit/export?stream=cycle:y_broken');
          expect(res.status).toBe(200);
          expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
          expect(res.complete).toBe(false);
          // What did arrive is a prefix of the good events before it; nothing at or after the malformed one.
          const received = res.text.split('\n').slice(0, -1).map((l) => (JSON.parse(l) as View).id);
          expect(received.length).toBeGreaterThan(0);
          expect(received.length).toBeLessThanOrEqual(GOOD);
          expect(received).toEqual(Array.from({ length: received.length }, (_, i) => `cycle:y_broken:${i + 1}`));
          const failure = await eventually(async () => logged.find((l) => l.msg === 'audit export failed mid-stream; response destroyed'), 5_000, 'the failure log line');
          expect(failure.level).toBe(50);
          expect(failure.requestId).toEqual(expect.any(String));
        });

        it('given a malformed first event, when exporting, then nothing has been sent yet and the answer is a problem+json 500 without an attachment', async () => {
          const res = await rawGet('/audit/export?stream=cycle:y_broken_first&format=csv');
          expect(res.status).toBe(500);
          expect(res.complete).toBe(true);
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(res.headers['content-disposition']).toBeUndefined();
          expect(JSON.parse(res.text)).toMatchObject({ status: 500, code: 'INTERNAL' });
          expect(logged.some((l) => l.msg === 'unhandled error')).toBe(true);
        });
      });
    });
  });
});
