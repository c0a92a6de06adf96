/**
 * "The actions the caller may take now" on the real stack (API, Worker on the
 * Temporal dev server, FerretDB): what `GET /complaints/:id` (`availableActions`) and
 * `GET /cycles/:id` (`availableActions`) list for each role, that a listed
 * action's path is accepted by a real POST, and that an unlisted one is
 * refused as the API refuses it (403, 409 or 422) with nothing changed.
 */
import { availableActionList } from '../../src/contracts/actions';
import { cycleDetail } from '../../src/api/cycle-schemas';
import { complaintDetail } from '../../src/api/schemas';
import { COMMAND_TYPES, type CommandType } from '../../src/domain/complaint';
import { type ApiStack, startApiStack } from '../helpers/api';
import { VALID_ACTION_BODIES, validCycle } from '../helpers/cycle-endpoints';
import { eventually, uniqueId } from '../helpers/stack';

type Action = { name: string; method: string; path: string; permission: string };
type View = Record<string, any>;

/** A body each complaint action route accepts (schema-valid), so a refusal is the rules', not validation's. */
const COMPLAINT_BODIES: Record<CommandType, Record<string, unknown>> = {
  acknowledge: {},
  add_note: { text: 'checking', visibility: 'internal' },
  request_info: { message: 'which invoice?' },
  customer_replied: { message: 'invoice 42' },
  transfer: { toAgentId: 'bob', reason: 'specialist' },
  change_severity: { severity: 'P1', reason: 'impact' },
  resolve: { summary: 'refunded' },
  reopen: { reason: 'not fixed' },
  close: {},
  cancel: { reason: 'withdrawn' },
  record_csat: { rating: 4 },
};

const names = (actions: Action[]) => actions.map((a) => a.name);

describe('available actions in the complaint and cycle views', () => {
  let stack: ApiStack;
  const key = (user: string) => stack.keys[user]!;
  const get = (path: string, user: string) => stack.call<View>('GET', path, { key: key(user) });
  const post = (path: string, user: string, body: Record<string, unknown>) => stack.call<View>('POST', path, { key: key(user), body });

  beforeAll(async () => {
    stack = await startApiStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** A web complaint (no owner, queue general), registered by its workflow. */
  async function newComplaint(): Promise<string> {
    const res = await post('/complaints', 'webform', { customer: { id: uniqueId('cust') }, channel: 'web', category: 'billing', severity: 'P3', description: 'charged twice' });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    await eventually(async () => (await stack.models.Complaint.findById(id, { version: 1 }).lean())?.version === 1, 20_000, `complaint ${id} registered`);
    return id;
  }

  /** The caller's actions on a complaint, checked against the response schema. */
  async function complaintActions(id: string, user: string): Promise<Action[]> {
    const res = await get(`/complaints/${id}`, user);
    expect({ user, status: res.status }).toEqual({ user, status: 200 });
    expect(complaintDetail.safeParse(res.body).error).toBeUndefined();
    return res.body.availableActions as Action[];
  }

  /** Every unlisted command type, sent with a valid body, is refused (403/409/422) and the complaint's version does not move. */
  async function expectUnlistedRefused(id: string, user: string, listed: Action[]) {
    const before = (await stack.models.Complaint.findById(id, { version: 1 }).lean())!.version;
    for (const type of COMMAND_TYPES.filter((t) => !names(listed).includes(t))) {
      const res = await post(`/complaints/${id}/${type.replace(/_/g, '-')}`, user, COMPLAINT_BODIES[type]);
      expect({ user, type, status: res.status, refused: [403, 409, 422].includes(res.status) }).toEqual({ user, type, status: res.status, refused: true });
    }
    expect((await stack.models.Complaint.findById(id, { version: 1 }).lean())!.version).toBe(before);
  }

  it('given a new web complaint, then an agent of its queue is offered acknowledge, a supervisor also cancel (complaint.cancel), an auditor and an admin nothing; the paths are the routes; list items carry no actions', async () => {
    const id = await newComplaint();
    const alice = await complaintActions(id, 'alice');
    expect(alice).toEqual(
      ['acknowledge', 'add_note', 'customer_replied'].map((name) => ({ name, method: 'POST', path: `/complaints/${id}/${name.replace(/_/g, '-')}`, permission: 'complaint.act' })),
    );
    const sam = await complaintActions(id, 'sam');
    expect(names(sam)).toEqual(['acknowledge', 'add_note', 'customer_replied', 'transfer', 'change_severity', 'cancel']);
    expect(sam.find((a) => a.name === 'cancel')).toEqual({ name: 'cancel', method: 'POST', path: `/complaints/${id}/cancel`, permission: 'complaint.cancel' });
    expect(await complaintActions(id, 'audrey')).toEqual([]);
    expect(await complaintActions(id, 'ada')).toEqual([]);

    const page = await get('/complaints?limit=100', 'sam');
    expect(page.status).toBe(200);
    const item = (page.body.items as View[]).find((c) => c.id === id);
    expect(item).toBeDefined();
    expect(item).not.toHaveProperty('availableActions');

    // Unlisted: an agent's resolve of an unacknowledged complaint (409), an auditor's anything (403).
    await expectUnlistedRefused(id, 'alice', alice);
    await expectUnlistedRefused(id, 'audrey', []);
  });

  it('given alice acknowledges through the listed path, then her reply lists resolve, bob (another agent) can neither read it nor act, and each listed step she takes next succeeds up to resolved', async () => {
    const id = await newComplaint();
    const ack = (await complaintActions(id, 'alice')).find((a) => a.name === 'acknowledge')!;
    const acked = await post(ack.path, 'alice', {});
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({ status: 'acknowledged', ownerId: 'alice' });
    expect(complaintDetail.safeParse(acked.body).error).toBeUndefined();
    expect(names(acked.body.availableActions)).toEqual(['add_note', 'request_info', 'customer_replied', 'transfer', 'change_severity', 'resolve']);
    expect(await complaintActions(id, 'alice')).toEqual(acked.body.availableActions);

    // bob is outside his `assigned` scope now: the matrix, not only the reducer, keeps him out.
    expect((await get(`/complaints/${id}`, 'bob')).status).toBe(403);
    expect((await post(`/complaints/${id}/resolve`, 'bob', { summary: 'done' })).status).toBe(403);
    expect(names(await complaintActions(id, 'sam'))).toEqual(['add_note', 'request_info', 'customer_replied', 'transfer', 'change_severity', 'resolve', 'cancel']);

    await expectUnlistedRefused(id, 'alice', acked.body.availableActions);

    const resolve = (acked.body.availableActions as Action[]).find((a) => a.name === 'resolve')!;
    const resolved = await post(resolve.path, 'alice', { summary: 'refunded' });
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe('resolved');
    expect(names(resolved.body.availableActions)).toEqual(['add_note', 'reopen', 'close', 'record_csat']);
    const stored = await eventually(async () => {
      const doc = await stack.models.Complaint.findById(id, { status: 1 }).lean();
      return doc?.status === 'resolved' ? doc : null;
    });
    expect(stored.status).toBe('resolved');
  });

  it('given a new PDCA cycle, then the owner, the team, the sponsor and an auditor each see their own actions; the plan filled and submitted through listed paths offers the sponsor sign_gate and never the owner, and signing moves to Do', async () => {
    const created = await post('/cycles', 'olivia', validCycle());
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await eventually(async () => (await stack.models.Cycle.findById(id, { version: 1 }).lean())?.version === 1, 20_000, `cycle ${id} registered`);

    const view = async (user: string): Promise<{ body: View; actions: Action[] }> => {
      const res = await get(`/cycles/${id}`, user);
      expect({ user, status: res.status }).toEqual({ user, status: 200 });
      expect(cycleDetail.safeParse(res.body).error).toBeUndefined();
      expect(availableActionList.safeParse(res.body.availableActions).success).toBe(true);
      // `actions` stay the cycle's action items.
      expect(Array.isArray(res.body.actions)).toBe(true);
      return { body: res.body, actions: res.body.availableActions as Action[] };
    };

    const owner = await view('olivia');
    expect(names(owner.actions)).toEqual(['record_measurements', 'add_action', 'abandon', 'add_five_whys', 'add_fishbone_cause', 'add_countermeasure']);
    expect(owner.actions.every((a) => a.permission === 'cycle.act' && a.method === 'POST' && a.path === `/cycles/${id}/${a.name.replace(/_/g, '-')}`)).toBe(true);
    expect(names((await view('alice')).actions)).toEqual(['record_measurements', 'add_five_whys', 'add_fishbone_cause', 'add_countermeasure']);
    expect(names((await view('simon')).actions)).toEqual(['abandon']);
    expect((await view('audrey')).actions).toEqual([]);
    expect((await get(`/cycles/${id}`, 'bob')).status).toBe(403);

    // Unlisted for the team member alice: submitting the gate is the owner's (403), and it is incomplete anyway.
    const refusedSubmit = await post(`/cycles/${id}/submit-gate`, 'alice', VALID_ACTION_BODIES.submit_gate());
    expect(refusedSubmit.status).toBe(403);

    const path = (actions: Action[], name: string) => actions.find((a) => a.name === name)!.path;
    for (const type of ['add_five_whys', 'add_countermeasure', 'add_action'] as const) {
      const res = await post(path(owner.actions, type), 'olivia', VALID_ACTION_BODIES[type]());
      expect({ type, status: res.status }).toEqual({ type, status: 200 });
    }
    const planned = await view('olivia');
    expect(names(planned.actions)).toContain('submit_gate');
    expect(names(planned.actions)).toContain('complete_action');
    const submitted = await post(path(planned.actions, 'submit_gate'), 'olivia', VALID_ACTION_BODIES.submit_gate());
    expect(submitted.status).toBe(200);
    expect(names(submitted.body.availableActions)).toEqual(['record_measurements', 'complete_action', 'abandon']);

    const sponsor = await view('simon');
    expect(names(sponsor.actions)).toEqual(['sign_gate', 'abandon']);
    // The owner is not offered sign_gate; trying anyway is the API's 403.
    const selfSign = await post(`/cycles/${id}/sign-gate`, 'olivia', VALID_ACTION_BODIES.sign_gate());
    expect({ status: selfSign.status, code: selfSign.body.code }).toEqual({ status: 403, code: 'SELF_APPROVAL_FORBIDDEN' });

    const signed = await post(path(sponsor.actions, 'sign_gate'), 'simon', VALID_ACTION_BODIES.sign_gate());
    expect(signed.status).toBe(200);
    expect(signed.body.phase).toBe('do');
    expect(names(signed.body.availableActions)).toEqual(['abandon']);
    expect(names((await view('olivia')).actions)).toEqual(['record_measurements', 'add_action', 'complete_action', 'abandon']);
  });

  it('documents availableActions in OpenAPI on GET /complaints/{id}, GET /cycles/{id} and their action replies, not on list items', async () => {
    const doc = (await stack.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { responses: Record<string, any> }>> };
    const props = (path: string, method: string) => doc.paths[path]![method]!.responses['200'].content['application/json'].schema.properties as Record<string, any>;
    for (const [path, field] of [
      ['/complaints/{id}', 'availableActions'],
      ['/cycles/{id}', 'availableActions'],
    ] as const) {
      expect(props(path, 'get')[field]).toMatchObject({ type: 'array', items: { type: 'object', properties: { name: expect.any(Object), method: expect.any(Object), path: expect.any(Object), permission: expect.any(Object) } } });
    }
    expect(props('/complaints/{id}/acknowledge', 'post')).toHaveProperty('availableActions');
    expect(props('/cycles/{id}/submit-gate', 'post')).toHaveProperty('availableActions');
    expect(doc.paths['/complaints']!.get!.responses['200'].content['application/json'].schema.properties.items.items.properties).not.toHaveProperty('availableActions');
  });
});
