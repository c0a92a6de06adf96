/**
 * Survey use cases (issue 12): versioned survey definitions, campaigns run by
 * `surveyCampaignWorkflow`, a customer's one response per invitation (through
 * their invitation link), and results.
 *
 * - Definitions: one document per version (`<surveyId>:<version>`, the
 *   definition as JSON text). A new version keeps the kind and every SERVQUAL
 *   item's dimension (src/domain/survey.ts `versionProblems`); campaigns name
 *   the version they use, so results never mix wordings.
 * - Campaigns: stored here (status `scheduled`), then the workflow opens,
 *   reminds, closes and computes through the activities in
 *   activities/survey.ts, which call the helpers exported below. The audience
 *   is stored as customer ids only; contacts (email, name, language) live in
 *   `customers`, so erasing a contact needs nothing here.
 * - Responses: `_id` = invitation id, partial answers saved, `complete`
 *   freezes it. Written only while the campaign is open.
 * - Results: scored by src/domain/survey-scoring.ts over the complete
 *   responses; stored once when the campaign closes (final), computed live
 *   before.
 *
 * It speaks no HTTP: refusals are DomainError codes with field paths.
 */
import { randomBytes } from 'node:crypto';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Config } from '../config';
import { SURVEY_CAMPAIGN_WORKFLOW, type StoredAudience, type SurveyCampaignInput, closeCampaignUpdate, surveyCampaignWorkflowId } from '../contracts/survey';
import { areaVersions, latestCalendars } from '../db/catalog';
import { type Models, type SurveyCampaignDoc, type SurveyDefinitionDoc, insertIfAbsent, isDuplicateKeyError } from '../db/models';
import { writeSurveyFacts } from '../db/survey-facts';
import type { Actor } from '../domain/actors';
import { startOfLocalDay } from '../domain/calendar';
import { DEFAULT_LANGUAGE, type Language, isLanguage } from '../domain/customer';
import { DomainError, ErrorCode } from '../domain/errors';
import { hashOf, sha256Hex } from '../domain/hashing';
import {
  DEFAULT_CSAT_QUESTION,
  DEFAULT_NPS_QUESTION,
  DEFAULT_SERVQUAL_ITEMS,
  type LocalizedText,
  type ServqualItem,
  type SurveyAnswers,
  type SurveyContent,
  type SurveyDefinition,
  type SurveyResultsSummary,
  answersProblems,
  localize,
  localizedQuestions,
  surveyContentProblems,
  versionProblems,
} from '../domain/survey';
import { type CompletedResponse, surveyFactsOf } from '../domain/survey-facts';
import { scoreSurvey } from '../domain/survey-scoring';
import { appendStreamEvent } from './account-audit';
import { TEMPORAL_DEADLINE_MS, entityIdFor, updateWithinDeadline } from './complaints';
import { upsertContactUndoable } from './customers';

type FieldError = { path: string; message: string };

/** Most customers one campaign invites (a list, a CSV or a sample). */
export const MAX_RECIPIENTS = 5_000;
/** Most campaigns `GET /surveys` lists (newest first). */
export const CAMPAIGN_LIST_LIMIT = 200;
/** Idempotency-Keys a response remembers (a retry follows its original soon). */
const REMEMBERED_KEYS = 20;
/** Requests in flight at once when a campaign touches (or a list reads) many documents. */
const WRITE_CONCURRENCY = 8;

const invalid = (errors: FieldError[]) => new DomainError(ErrorCode.VALIDATION_FAILED, 'the request is invalid', { errors });
const prefixed = (prefix: string, problems: readonly FieldError[]): FieldError[] => problems.map((p) => ({ path: p.path ? `${prefix}.${p.path}` : prefix, message: p.message }));

/** The audit stream of a campaign. Definitions are not audited (they are versioned and attributed in place). */
export const surveyStream = (campaignId: string) => `survey:${campaignId}`;

/** A customer is invited to a campaign once: the id derives from both. */
export function invitationIdFor(campaignId: string, customerId: string): string {
  return `inv_${sha256Hex(`${campaignId}\n${customerId}`).slice(0, 24)}`;
}

/** Runs `fn` over `items`, at most `limit` at a time. */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Appends `action` to the campaign's audit stream unless an event with that
 * action (and, when given, the same `details.invitationId`) is there already:
 * activities and retried requests may run twice.
 */
export async function appendCampaignEventOnce(
  models: Models,
  campaignId: string,
  e: { action: string; actor: Actor; details?: Record<string, unknown> },
): Promise<void> {
  const match: Record<string, unknown> = { stream: surveyStream(campaignId), action: e.action };
  if (typeof e.details?.invitationId === 'string') match['details.invitationId'] = e.details.invitationId;
  if (await models.AuditEvent.exists(match)) return;
  await appendStreamEvent(models, { entityType: 'survey', entityId: campaignId, action: e.action, actor: e.actor, details: e.details ?? {} });
}

// ------------------------------------------------------------------ definitions

/** What a caller sends for a definition: a SERVQUAL survey may leave out its items (the 22 standard ones), a CSAT or NPS survey its question (the standard one). */
export type ContentInput =
  | { kind: 'csat' | 'nps'; question?: LocalizedText }
  | { kind: 'servqual'; items?: ServqualItem[]; askImportance: boolean }
  | Extract<SurveyContent, { kind: 'kano' }>;

export interface DefinitionInput {
  title: string;
  intro?: LocalizedText;
  content: ContentInput;
}

export interface DefinitionVersionRef {
  version: number;
  createdAt: number;
  createdBy: string;
}

function withDefaults(content: ContentInput): SurveyContent {
  switch (content.kind) {
    case 'servqual':
      return { kind: 'servqual', items: content.items ?? DEFAULT_SERVQUAL_ITEMS.map((i) => ({ ...i })), askImportance: content.askImportance };
    case 'csat':
      return { kind: 'csat', question: content.question ?? DEFAULT_CSAT_QUESTION };
    case 'nps':
      return { kind: 'nps', question: content.question ?? DEFAULT_NPS_QUESTION };
    case 'kano':
      return content;
  }
}

/**
 * A new survey's id: derived from (caller, Idempotency-Key) when there is one,
 * like every creation (a retry finds the survey it made, whatever its body
 * says); otherwise `<title slug>-<8 random hex>`, readable in URLs.
 */
export function surveyIdFor(title: string, callerId: string, idempotencyKey: string | undefined): string {
  if (idempotencyKey) return entityIdFor('srv', callerId, idempotencyKey);
  const slug =
    title
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'survey';
  return `${slug}-${randomBytes(4).toString('hex')}`;
}

const toDefinition = (doc: Pick<SurveyDefinitionDoc, 'definitionJson'>): SurveyDefinition => JSON.parse(doc.definitionJson) as SurveyDefinition;

export async function definitionVersion(models: Models, surveyId: string, version?: number): Promise<SurveyDefinition | null> {
  const doc =
    version === undefined
      ? await models.SurveyDefinition.findOne({ surveyId }, { definitionJson: 1 }).sort({ version: -1 }).lean()
      : await models.SurveyDefinition.findById(`${surveyId}:${version}`, { definitionJson: 1 }).lean();
  return doc ? toDefinition(doc) : null;
}

export function createSurveyDefinitionService({ models }: { models: Models }) {
  function checkedContent(input: ContentInput): SurveyContent {
    const content = withDefaults(input);
    const problems = surveyContentProblems(content);
    if (problems.length > 0) throw new DomainError(ErrorCode.INVALID_DEFINITION, 'the survey content is invalid', { errors: prefixed('body.content', problems) });
    return content;
  }

  async function insertVersion(def: SurveyDefinition, requestHash: string | null): Promise<boolean> {
    const { inserted } = await insertIfAbsent(models.SurveyDefinition, [
      {
        _id: `${def.surveyId}:${def.version}`,
        surveyId: def.surveyId,
        version: def.version,
        kind: def.content.kind,
        title: def.title,
        definitionJson: JSON.stringify(def),
        requestHash,
        createdAt: new Date(def.createdAt),
        createdBy: def.createdBy,
      },
    ]);
    return inserted === 1;
  }

  /** Version 1 of a new survey. The same caller and Idempotency-Key with the same body answer the survey created first. */
  async function create(actor: Actor, body: DefinitionInput, idempotencyKey?: string): Promise<{ created: boolean; definition: SurveyDefinition }> {
    const content = checkedContent(body.content);
    const requestHash = hashOf(body);
    for (let attempt = 0; attempt < 3; attempt++) {
      const surveyId = surveyIdFor(body.title, actor.id, idempotencyKey);
      const def: SurveyDefinition = { surveyId, version: 1, title: body.title, intro: body.intro ?? null, content, createdAt: Date.now(), createdBy: actor.id };
      if (await insertVersion(def, requestHash)) return { created: true, definition: def };
      if (!idempotencyKey) continue; // a random suffix taken already: draw another
      const first = await models.SurveyDefinition.findById(`${surveyId}:1`, { definitionJson: 1, requestHash: 1 }).lean();
      if (first?.requestHash !== requestHash) throw new DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'this Idempotency-Key was already used with a different request body');
      return { created: false, definition: toDefinition(first) };
    }
    throw new Error('could not find a free survey id');
  }

  /** A new version: same kind, SERVQUAL items keep their dimension; two concurrent editors collide (409 VERSION_CONFLICT). */
  async function update(surveyId: string, actor: Actor, body: DefinitionInput): Promise<SurveyDefinition> {
    const previous = await definitionVersion(models, surveyId);
    if (!previous) throw new DomainError(ErrorCode.NOT_FOUND, `survey ${surveyId} does not exist`);
    const content = checkedContent(body.content);
    const problems = versionProblems(previous.content, content);
    if (problems.length > 0) throw new DomainError(ErrorCode.INVALID_DEFINITION, `version ${previous.version + 1} of ${surveyId} would change what earlier answers mean`, { errors: prefixed('body.content', problems) });
    const def: SurveyDefinition = { surveyId, version: previous.version + 1, title: body.title, intro: body.intro ?? null, content, createdAt: Date.now(), createdBy: actor.id };
    try {
      if (await insertVersion(def, null)) return def;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    throw new DomainError(ErrorCode.VERSION_CONFLICT, `survey ${surveyId} version ${def.version} was saved concurrently; reload and edit again`);
  }

  async function get(surveyId: string, version?: number): Promise<SurveyDefinition> {
    const def = await definitionVersion(models, surveyId, version);
    if (!def) throw new DomainError(ErrorCode.NOT_FOUND, version === undefined ? `survey ${surveyId} does not exist` : `survey ${surveyId} has no version ${version}`);
    return def;
  }

  /** Every version of a survey, newest first. */
  async function versions(surveyId: string): Promise<DefinitionVersionRef[]> {
    const docs = await models.SurveyDefinition.find({ surveyId }, { version: 1, createdAt: 1, createdBy: 1 }).sort({ version: -1 }).lean();
    return docs.map((d) => ({ version: d.version, createdAt: d.createdAt.getTime(), createdBy: d.createdBy }));
  }

  /** The latest version of every survey, newest first. */
  async function list(): Promise<SurveyDefinition[]> {
    const docs = await models.SurveyDefinition.find({}, { surveyId: 1, version: 1 }).lean();
    const latest = new Map<string, number>();
    for (const d of docs) latest.set(d.surveyId, Math.max(latest.get(d.surveyId) ?? 0, d.version));
    const ids = [...latest].map(([surveyId, version]) => `${surveyId}:${version}`);
    const full = await models.SurveyDefinition.find({ _id: { $in: ids } }, { definitionJson: 1 }).lean();
    return full.map(toDefinition).sort((a, b) => b.createdAt - a.createdAt || (a.surveyId < b.surveyId ? -1 : 1));
  }

  return { create, update, get, versions, list };
}

export type SurveyDefinitionService = ReturnType<typeof createSurveyDefinitionService>;

// ------------------------------------------------------------------ campaigns

export interface AudienceMember {
  customerId: string;
  email?: string;
  name?: string;
  language?: Language;
  complaintId?: string;
}

export type AudienceInput = { source: 'list' | 'csv'; customers: AudienceMember[] } | { source: 'closed_complaints'; from: string; to: string; sampleSize: number; seed?: string };

export interface CampaignRequest {
  surveyId: string;
  surveyVersion?: number;
  title: string;
  areaId: string;
  /** Epoch ms; default: now. */
  startsAt?: number;
  /** Epoch ms; default: halfway between start and end; null: no reminder. */
  remindAt?: number | null;
  endsAt: number;
  audience: AudienceInput;
}

export type CampaignStatus = 'scheduled' | 'open' | 'closed';

export interface CampaignCounts {
  /** Invitations created (when the campaign opened). */
  invited: number;
  /** Invitations whose email message was created (customers with an email address). */
  emailed: number;
  /** Invitations reminded (once, by email). */
  reminded: number;
  /** Invitations with a response, partial or complete. */
  responded: number;
  /** Complete responses. */
  completed: number;
}

export interface Campaign {
  campaignId: string;
  surveyId: string;
  surveyVersion: number;
  kind: SurveyContent['kind'];
  title: string;
  areaId: string;
  status: CampaignStatus;
  startsAt: number;
  remindAt: number | null;
  endsAt: number;
  openedAt: number | null;
  closedAt: number | null;
  counts: CampaignCounts;
  createdAt: number;
  createdBy: string;
}

type CampaignDoc = SurveyCampaignDoc & { _id: string };

const ms = (d: Date | null | undefined): number | null => (d ? new Date(d).getTime() : null);

export function storedAudience(doc: Pick<SurveyCampaignDoc, 'audienceJson'>): StoredAudience {
  return JSON.parse(doc.audienceJson) as StoredAudience;
}

/** The counts of a campaign, from its invitations and responses (recomputed on every read: never a stale counter). */
export async function campaignCounts(models: Models, campaignId: string): Promise<CampaignCounts> {
  const [invited, emailed, reminded, responded, completed] = await Promise.all([
    models.SurveyInvitation.countDocuments({ campaignId }),
    models.SurveyInvitation.countDocuments({ campaignId, sentAt: { $ne: null } }),
    models.SurveyInvitation.countDocuments({ campaignId, remindedAt: { $ne: null } }),
    models.SurveyResponse.countDocuments({ campaignId }),
    models.SurveyResponse.countDocuments({ campaignId, complete: true }),
  ]);
  return { invited, emailed, reminded, responded, completed };
}

async function toCampaign(models: Models, doc: CampaignDoc): Promise<Campaign> {
  return {
    campaignId: doc._id,
    surveyId: doc.surveyId,
    surveyVersion: doc.surveyVersion,
    kind: doc.kind as SurveyContent['kind'],
    title: doc.title,
    areaId: doc.areaId ?? '',
    status: doc.status as CampaignStatus,
    startsAt: ms(doc.startsAt)!,
    remindAt: ms(doc.remindAt),
    endsAt: ms(doc.endsAt)!,
    openedAt: ms(doc.openedAt),
    closedAt: ms(doc.closedAt),
    counts: await campaignCounts(models, doc._id),
    createdAt: ms(doc.createdAt)!,
    createdBy: doc.createdBy,
  };
}

/** The area's time zone: its calendar's, as KPIs count days (UTC when the calendar is gone). */
export async function areaTimeZone(models: Models, areaId: string): Promise<string | null> {
  const [latest] = await areaVersions(models, areaId);
  if (!latest) return null;
  return (await latestCalendars(models)).get(latest.calendarId)?.timeZone ?? 'UTC';
}

const nextDay = (day: string): string => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
};

/** Rules of a campaign request beyond its shape, with the field each breaks. */
export function campaignProblems(req: CampaignRequest, now: number): FieldError[] {
  const out: FieldError[] = [];
  const startsAt = req.startsAt ?? now;
  if (req.endsAt <= now) out.push({ path: 'body.endsAt', message: 'must be in the future' });
  else if (req.endsAt <= startsAt) out.push({ path: 'body.endsAt', message: 'must be after startsAt' });
  if (typeof req.remindAt === 'number' && (req.remindAt <= startsAt || req.remindAt >= req.endsAt)) out.push({ path: 'body.remindAt', message: 'must be after startsAt and before endsAt (null: no reminder)' });
  const a = req.audience;
  if (a.source === 'closed_complaints') {
    if (a.from > a.to) out.push({ path: 'body.audience.to', message: 'must not be before from' });
  } else {
    if (a.customers.length > MAX_RECIPIENTS) out.push({ path: a.source === 'csv' ? 'body.audience.csv' : 'body.audience.customers', message: `at most ${MAX_RECIPIENTS} recipients` });
    const seen = new Map<string, number>();
    a.customers.forEach((c, i) => {
      const first = seen.get(c.customerId);
      const path = a.source === 'csv' ? `body.audience.csv.rows.${i}.customerId` : `body.audience.customers.${i}.customerId`;
      if (first !== undefined) out.push({ path, message: `customer ${c.customerId} is listed twice (first at ${first}): a customer is invited once` });
      else seen.set(c.customerId, i);
    });
  }
  return out;
}

export interface SurveyServiceDeps {
  client: Client;
  models: Models;
  config: Config;
}

export function createSurveyCampaignService({ client, models, config }: SurveyServiceDeps) {
  const withDeadline = <T>(fn: () => Promise<T>) => client.connection.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, fn);

  async function startWorkflow(doc: CampaignDoc): Promise<void> {
    const input: SurveyCampaignInput = { campaignId: doc._id, startsAt: ms(doc.startsAt)!, remindAt: ms(doc.remindAt), endsAt: ms(doc.endsAt)! };
    try {
      await withDeadline(() =>
        client.workflow.start(SURVEY_CAMPAIGN_WORKFLOW, {
          args: [input],
          taskQueue: config.temporal.taskQueue,
          workflowId: surveyCampaignWorkflowId(doc._id),
          workflowTaskTimeout: config.temporal.workflowTaskTimeoutMs,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        }),
      );
    } catch (err) {
      // A retry of a creation whose workflow started: nothing more to do.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }

  async function createdEvent(doc: CampaignDoc, audience: AudienceInput, actor: Actor): Promise<void> {
    const size = audience.source === 'closed_complaints' ? { sampleSize: audience.sampleSize, from: audience.from, to: audience.to } : { recipients: audience.customers.length };
    await appendCampaignEventOnce(models, doc._id, {
      action: 'survey.created',
      actor,
      // Customer ids and contacts stay out of the chained event: it names the campaign, survey, area and dates.
      details: {
        surveyId: doc.surveyId,
        surveyVersion: doc.surveyVersion,
        title: doc.title,
        areaId: doc.areaId,
        startsAt: doc.startsAt.toISOString(),
        remindAt: doc.remindAt ? doc.remindAt.toISOString() : null,
        endsAt: doc.endsAt.toISOString(),
        audience: { source: audience.source, ...size },
      },
    });
  }

  /**
   * Stores the campaign (scheduled), the contacts a list or CSV gives, and
   * starts its workflow. Same caller + Idempotency-Key + body = the campaign
   * created first (200); another body = 422 IDEMPOTENCY_KEY_REUSED.
   */
  async function create(actor: Actor, req: CampaignRequest, idempotencyKey?: string): Promise<{ created: boolean; campaign: Campaign }> {
    const now = Date.now();
    const campaignId = entityIdFor('sv', actor.id, idempotencyKey);
    const requestHash = hashOf(req);
    // A retry is recognised before the rules run again: its dates may have passed since the first request.
    const earlier = idempotencyKey ? ((await models.SurveyCampaign.findById(campaignId).lean()) as CampaignDoc | null) : null;
    if (earlier) return replayed(earlier, req, requestHash, actor);

    const errors = campaignProblems(req, now);
    const definition = await definitionVersion(models, req.surveyId, req.surveyVersion);
    if (!definition) {
      errors.push(
        req.surveyVersion !== undefined && (await definitionVersion(models, req.surveyId))
          ? { path: 'body.surveyVersion', message: `survey ${req.surveyId} has no version ${req.surveyVersion}` }
          : { path: 'body.surveyId', message: `unknown survey ${req.surveyId}` },
      );
    }
    if ((await areaTimeZone(models, req.areaId)) === null) errors.push({ path: 'body.areaId', message: `unknown service area ${req.areaId}` });
    if (errors.length > 0) throw invalid(errors);

    const startsAt = req.startsAt ?? now;
    const remindAt = req.remindAt === undefined ? startsAt + Math.floor((req.endsAt - startsAt) / 2) : req.remindAt;
    const audience: StoredAudience =
      req.audience.source === 'closed_complaints'
        ? { source: 'closed_complaints', from: req.audience.from, to: req.audience.to, sampleSize: req.audience.sampleSize, seed: req.audience.seed ?? campaignId }
        : { source: req.audience.source, customers: req.audience.customers.map((c) => ({ customerId: c.customerId, complaintId: c.complaintId ?? null })) };
    const doc: CampaignDoc = {
      _id: campaignId,
      surveyId: definition!.surveyId,
      surveyVersion: definition!.version,
      kind: definition!.content.kind,
      title: req.title,
      areaId: req.areaId,
      audienceJson: JSON.stringify(audience),
      startsAt: new Date(startsAt),
      remindAt: remindAt === null ? null : new Date(remindAt),
      endsAt: new Date(req.endsAt),
      status: 'scheduled',
      createdAt: new Date(now),
      createdBy: actor.id,
      requestHash,
      openedAt: null,
      closedAt: null,
      invited: 0,
      reminded: 0,
    };

    const { inserted } = await insertIfAbsent(models.SurveyCampaign, [doc as unknown as Record<string, unknown>]);
    if (inserted === 0) {
      // A concurrent request with the same key stored it first.
      const first = (await models.SurveyCampaign.findById(campaignId).lean()) as CampaignDoc | null;
      if (!first) throw new Error(`survey campaign ${campaignId} was neither inserted nor found`);
      return replayed(first, req, requestHash, actor);
    }

    const undoContacts: (() => Promise<void>)[] = [];
    if (req.audience.source !== 'closed_complaints') {
      await forEachLimited(req.audience.customers, WRITE_CONCURRENCY, async (c) => {
        const given = { ...(c.email !== undefined ? { email: c.email } : {}), ...(c.name !== undefined ? { name: c.name } : {}), ...(c.language !== undefined ? { language: c.language } : {}) };
        undoContacts.push(await upsertContactUndoable(models, c.customerId, given));
      });
    }
    try {
      await startWorkflow(doc);
    } catch (err) {
      // Without a key the caller cannot retry this creation: leave no campaign that nothing runs, and
      // put the contacts back as they were. With a key, a retry finds both and starts the workflow.
      if (!idempotencyKey) {
        await models.SurveyCampaign.deleteOne({ _id: campaignId, status: 'scheduled' });
        await forEachLimited(undoContacts, WRITE_CONCURRENCY, (undo) => undo().catch(() => undefined));
      }
      throw err;
    }
    await createdEvent(doc, req.audience, actor);
    return { created: true, campaign: await toCampaign(models, doc) };
  }

  /** The answer to a retried creation: the campaign the key made, once its workflow and audit event exist (the first request may have stopped before them). */
  async function replayed(first: CampaignDoc, req: CampaignRequest, requestHash: string, actor: Actor): Promise<{ created: boolean; campaign: Campaign }> {
    if (first.requestHash !== requestHash) throw new DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'this Idempotency-Key was already used with a different request body');
    await startWorkflow(first);
    await createdEvent(first, req.audience, actor);
    return { created: false, campaign: await toCampaign(models, first) };
  }

  async function campaignDoc(campaignId: string): Promise<CampaignDoc> {
    const doc = (await models.SurveyCampaign.findById(campaignId).lean()) as CampaignDoc | null;
    if (!doc) throw new DomainError(ErrorCode.NOT_FOUND, `survey campaign ${campaignId} does not exist`);
    return doc;
  }

  async function get(campaignId: string): Promise<Campaign> {
    return toCampaign(models, await campaignDoc(campaignId));
  }

  /** Campaigns, newest first (at most CAMPAIGN_LIST_LIMIT). */
  async function list(): Promise<Campaign[]> {
    const docs = (await models.SurveyCampaign.find({}).sort({ createdAt: -1, _id: -1 }).limit(CAMPAIGN_LIST_LIMIT).lean()) as CampaignDoc[];
    // Five indexed counts per campaign: a few at a time, so a long list does not flood the connection pool.
    const out: Campaign[] = new Array(docs.length);
    await forEachLimited(docs, WRITE_CONCURRENCY, async (d, i) => {
      out[i] = await toCampaign(models, d);
    });
    return out;
  }

  /**
   * Closes the campaign now through its workflow's `close` update, which
   * answers once the results are computed. A campaign closed already (at its
   * end, or by an earlier request) is answered as it is.
   */
  async function close(campaignId: string, actor: Actor): Promise<Campaign> {
    const doc = await campaignDoc(campaignId);
    if (doc.status === 'closed' && (await models.SurveyResult.exists({ _id: campaignId }))) return toCampaign(models, doc);
    const handle = client.workflow.getHandle(surveyCampaignWorkflowId(campaignId));
    try {
      await updateWithinDeadline(client, () => handle.executeUpdate(closeCampaignUpdate, { args: [{ actor }] }));
    } catch (err) {
      // The workflow finished meanwhile (closed at its end): the store has the outcome.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    return get(campaignId);
  }

  return { create, get, list, close };
}

export type SurveyCampaignService = ReturnType<typeof createSurveyCampaignService>;

// ------------------------------------------------------------------ audience (the open activity)

export interface Recipient {
  customerId: string;
  complaintId: string | null;
}

/**
 * Who a campaign invites. A list or CSV: as stored. Closed complaints: the
 * area's complaints whose `closedAt` falls in [from, to] (days in the area's
 * time zone), ordered by sha256(seed + complaintId), one per customer, the
 * first `sampleSize` customers: the same campaign always draws the same sample.
 */
export async function resolveAudience(models: Models, campaign: Pick<CampaignDoc, 'areaId' | 'audienceJson'>): Promise<Recipient[]> {
  const audience = storedAudience(campaign);
  if (audience.source !== 'closed_complaints') return audience.customers;
  const areaId = campaign.areaId ?? '';
  const timeZone = (await areaTimeZone(models, areaId)) ?? 'UTC';
  const from = new Date(startOfLocalDay(audience.from, timeZone));
  const until = new Date(startOfLocalDay(nextDay(audience.to), timeZone));
  const closed = await models.Complaint.find({ areaId, status: 'closed', closedAt: { $gte: from, $lt: until } }, { customerId: 1 }).lean();
  const ordered = closed.map((c) => ({ complaintId: c._id, customerId: c.customerId, key: sha256Hex(`${audience.seed}${c._id}`) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const out: Recipient[] = [];
  const seen = new Set<string>();
  for (const c of ordered) {
    if (out.length >= audience.sampleSize) break;
    if (seen.has(c.customerId)) continue;
    seen.add(c.customerId);
    out.push({ customerId: c.customerId, complaintId: c.complaintId });
  }
  return out;
}

// ------------------------------------------------------------------ results

export async function completedResponses(models: Models, campaignId: string, asOf: number): Promise<CompletedResponse[]> {
  const docs = await models.SurveyResponse.find({ campaignId, complete: true }, { answersJson: 1, completedAt: 1 }).lean();
  return docs
    .filter((d) => d.completedAt && d.completedAt.getTime() <= asOf)
    .map((d) => ({ responseId: d._id, answers: JSON.parse(d.answersJson) as SurveyAnswers, completedAt: d.completedAt!.getTime() }))
    .sort((a, b) => a.completedAt - b.completedAt || (a.responseId < b.responseId ? -1 : 1));
}

/** The results of a campaign over the complete responses up to `asOf`. */
export async function summarizeCampaign(models: Models, campaignId: string, asOf: number, final: boolean): Promise<{ summary: SurveyResultsSummary; content: SurveyContent; responses: CompletedResponse[]; campaign: CampaignDoc }> {
  const campaign = (await models.SurveyCampaign.findById(campaignId).lean()) as CampaignDoc | null;
  if (!campaign) throw new DomainError(ErrorCode.NOT_FOUND, `survey campaign ${campaignId} does not exist`);
  const definition = await definitionVersion(models, campaign.surveyId, campaign.surveyVersion);
  if (!definition) throw new Error(`survey ${campaign.surveyId} version ${campaign.surveyVersion} of campaign ${campaignId} is missing`);
  const [responses, counts] = await Promise.all([completedResponses(models, campaignId, asOf), campaignCounts(models, campaignId)]);
  const summary: SurveyResultsSummary = {
    campaignId,
    title: campaign.title,
    kind: definition.content.kind,
    final,
    computedAt: new Date(asOf).toISOString(),
    counts,
    responseRate: counts.invited > 0 ? counts.completed / counts.invited : null,
    scores: scoreSurvey(definition.content, responses.map((r) => r.answers)),
  };
  return { summary, content: definition.content, responses, campaign };
}

/**
 * Computes and stores a closed campaign's results (once: a stored result is
 * kept), writes its survey facts (KPIs) and audits `survey.results_computed`.
 * Every step is idempotent: the activity may run it again.
 */
export async function computeAndStoreResults(models: Models, campaignId: string): Promise<SurveyResultsSummary> {
  const stored = await models.SurveyResult.findById(campaignId).lean();
  const campaign = (await models.SurveyCampaign.findById(campaignId, { closedAt: 1, areaId: 1 }).lean()) as CampaignDoc | null;
  if (!campaign?.closedAt) throw new Error(`survey campaign ${campaignId} is not closed: nothing to compute`);
  const closedAt = campaign.closedAt.getTime();
  const { summary, content, responses } = await summarizeCampaign(models, campaignId, closedAt, true);
  const result = stored ? (JSON.parse(stored.resultsJson) as SurveyResultsSummary) : summary;
  if (!stored) await insertIfAbsent(models.SurveyResult, [{ _id: campaignId, resultsJson: JSON.stringify(summary), computedAt: new Date(closedAt) }]);
  const timeZone = (await areaTimeZone(models, campaign.areaId ?? '')) ?? 'UTC';
  await writeSurveyFacts(models, surveyFactsOf({ campaignId, areaId: campaign.areaId ?? '', timeZone }, content, responses));
  await appendCampaignEventOnce(models, campaignId, {
    action: 'survey.results_computed',
    actor: { id: 'system', role: 'system' },
    details: { counts: result.counts, responseRate: result.responseRate, scored: responses.length },
  });
  return result;
}

export function createSurveyResultsService({ models }: { models: Models }) {
  /** Stored results once the campaign closed (final), else computed now over the complete responses so far. */
  async function results(campaignId: string, now = Date.now()): Promise<SurveyResultsSummary> {
    const stored = await models.SurveyResult.findById(campaignId).lean();
    if (stored) return JSON.parse(stored.resultsJson) as SurveyResultsSummary;
    return (await summarizeCampaign(models, campaignId, now, false)).summary;
  }
  return { results };
}

// ------------------------------------------------------------------ responses (the invitation link)

export interface SurveyInvitationView {
  invitationId: string;
  campaignId: string;
  title: string;
  intro: string | null;
  language: Language;
  kind: SurveyContent['kind'];
  status: CampaignStatus;
  closesAt: number;
  questions: ReturnType<typeof localizedQuestions>;
  answers: SurveyAnswers | null;
  complete: boolean;
}

export interface ResponseInput {
  answers: SurveyAnswers;
  complete: boolean;
}

/** What a customer sees: a campaign past its end is closed to them even before its workflow closed it. */
const statusFor = (campaign: CampaignDoc, now: number): CampaignStatus => (campaign.status === 'open' && now >= campaign.endsAt.getTime() ? 'closed' : (campaign.status as CampaignStatus));

export function createSurveyResponseService({ models }: { models: Models }) {
  async function load(invitationId: string, customerId: string) {
    const invitation = await models.SurveyInvitation.findById(invitationId).lean();
    // The link authenticator matched the link record; an invitation that is not this customer's is refused the same way.
    if (!invitation || invitation.customerId !== customerId) throw new DomainError(ErrorCode.LINK_INVALID, 'this link does not open a survey invitation');
    const campaign = (await models.SurveyCampaign.findById(invitation.campaignId).lean()) as CampaignDoc | null;
    if (!campaign) throw new DomainError(ErrorCode.LINK_INVALID, 'this link does not open a survey invitation');
    const definition = await definitionVersion(models, campaign.surveyId, campaign.surveyVersion);
    if (!definition) throw new Error(`survey ${campaign.surveyId} version ${campaign.surveyVersion} is missing`);
    const [response, contact] = await Promise.all([models.SurveyResponse.findById(invitationId).lean(), models.Customer.findById(customerId, { language: 1 }).lean()]);
    const language: Language = isLanguage(contact?.language) ? contact.language : isLanguage(invitation.language) ? invitation.language : DEFAULT_LANGUAGE;
    return { invitation, campaign, definition, response, language };
  }

  function viewOf(x: Awaited<ReturnType<typeof load>>, now: number): SurveyInvitationView {
    const { invitation, campaign, definition, response, language } = x;
    return {
      invitationId: invitation._id,
      campaignId: campaign._id,
      title: campaign.title,
      intro: definition.intro ? localize(definition.intro, language) : null,
      language,
      kind: definition.content.kind,
      status: statusFor(campaign, now),
      closesAt: campaign.endsAt.getTime(),
      questions: localizedQuestions(definition.content, language),
      answers: response ? (JSON.parse(response.answersJson) as SurveyAnswers) : null,
      complete: response?.complete ?? false,
    };
  }

  async function view(invitationId: string, customerId: string, now = Date.now()): Promise<SurveyInvitationView> {
    return viewOf(await load(invitationId, customerId), now);
  }

  /**
   * Saves the customer's answers: partial ones while `complete` is false,
   * every question answered and frozen when true. The same Idempotency-Key
   * applies once (a late retry never overwrites newer answers); the same
   * completed answers again are accepted as they are; anything else after
   * completion is 409 RESPONSE_COMPLETE; outside the campaign's open window
   * 409 SURVEY_CLOSED. A refused request writes nothing.
   */
  async function respond(invitationId: string, customerId: string, input: ResponseInput, requestKey: string, now = Date.now()): Promise<SurveyInvitationView> {
    const loaded = await load(invitationId, customerId);
    const { campaign, definition, response } = loaded;
    if (response?.requestKeys?.includes(requestKey)) return viewOf(loaded, now);
    // A retried submission (its key lost, e.g. a second tab): the same completed answers are the same response, even once closed.
    const sameCompletion = response?.complete && input.complete && hashOf(JSON.parse(response.answersJson)) === hashOf(input.answers);
    if (sameCompletion) {
      await completedEvent(campaign._id, invitationId, customerId);
      return viewOf(loaded, now);
    }
    if (statusFor(campaign, now) !== 'open') {
      throw new DomainError(ErrorCode.SURVEY_CLOSED, campaign.status === 'scheduled' ? 'this survey has not opened yet' : 'this survey is closed');
    }
    if (response?.complete) throw new DomainError(ErrorCode.RESPONSE_COMPLETE, 'this survey response was submitted already and cannot change');
    const problems = answersProblems(definition.content, input.answers, input.complete);
    if (problems.length > 0) throw new DomainError(ErrorCode.INVALID_ACTION, input.complete ? 'the answers are incomplete or invalid' : 'the answers are invalid', { errors: prefixed('body.answers', problems) });

    const fields = {
      answersJson: JSON.stringify(input.answers),
      complete: input.complete,
      updatedAt: new Date(now),
      completedAt: input.complete ? new Date(now) : null,
    };
    const keys = [...(response?.requestKeys ?? []), requestKey].slice(-REMEMBERED_KEYS);
    let written = false;
    if (!response) {
      const { inserted } = await insertIfAbsent(models.SurveyResponse, [{ _id: invitationId, campaignId: campaign._id, customerId, ...fields, requestKeys: keys }]);
      written = inserted === 1;
    }
    if (!written) {
      // Only over an incomplete response: a completion that landed meanwhile is never overwritten.
      const res = await models.SurveyResponse.updateOne({ _id: invitationId, complete: false }, { $set: { ...fields, requestKeys: keys } });
      if (res.matchedCount === 0) return respond(invitationId, customerId, input, requestKey, now);
    }
    if (input.complete) await completedEvent(campaign._id, invitationId, customerId);
    return view(invitationId, customerId, now);
  }

  /** The customer's completion in the campaign's audit trail (actor `customer`; no answers, which are theirs to give, not the chain's). */
  async function completedEvent(campaignId: string, invitationId: string, customerId: string): Promise<void> {
    await appendCampaignEventOnce(models, campaignId, { action: 'survey.response_completed', actor: { id: customerId, role: 'customer' }, details: { invitationId } });
  }

  return { view, respond };
}

export type SurveyResponseService = ReturnType<typeof createSurveyResponseService>;
