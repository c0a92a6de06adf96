/**
 * Activities of the survey campaign workflow: only I/O, each idempotent.
 * Ids are deterministic (invitation = hash(campaign, customer); its link by
 * ensureLink; its messages `<invitationId>:invitation` / `:reminder`), status
 * changes are guarded by the status they leave, and instants come from the
 * workflow, so a retry repeats the same writes and adds nothing.
 */
import { Context } from '@temporalio/activity';
import type { Actor } from '../src/domain/actors';
import { type Models, insertIfAbsent } from '../src/db/models';
import { DEFAULT_LANGUAGE, isLanguage } from '../src/domain/customer';
import { ensureLink } from '../src/services/customer-links';
import {
  type Recipient,
  appendCampaignEventOnce,
  areaTimeZone,
  computeAndStoreResults,
  definitionVersion,
  forEachLimited,
  invitationIdFor,
  resolveAudience,
} from '../src/services/surveys';
import { type CustomerMailConfig, enqueueCustomerMessage } from './customer-mail';

export interface SurveyActivityDeps {
  models: Models;
  /** Customer email (link signing, public URL, SMTP). Absent: invitations are created without messages. */
  customerMail?: CustomerMailConfig;
}

/** Documents written at once (links and messages are a few round trips each). */
const CONCURRENCY = 8;

/** Lets a long activity tell Temporal it is alive (the worker also heartbeats on a timer); a no-op outside an activity. */
function heartbeat(details?: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // called outside an activity (tests of the helpers)
  }
}

export function createSurveyActivities(deps: SurveyActivityDeps) {
  const { models } = deps;

  async function campaignOf(campaignId: string) {
    const campaign = await models.SurveyCampaign.findById(campaignId).lean();
    if (!campaign) throw new Error(`survey campaign ${campaignId} does not exist`);
    return campaign;
  }

  /** What the invitation and reminder emails show: the campaign's title and end, the survey's intro, dates in the area's zone. */
  async function messageData(campaign: { surveyId: string; surveyVersion: number; areaId?: string | null; title: string; endsAt: Date }): Promise<Record<string, unknown>> {
    const [definition, timeZone] = await Promise.all([definitionVersion(models, campaign.surveyId, campaign.surveyVersion), areaTimeZone(models, campaign.areaId ?? '')]);
    return { title: campaign.title, intro: definition?.intro ?? null, closesAt: campaign.endsAt.toISOString(), timeZone: timeZone ?? 'UTC' };
  }

  /** One email to one invited customer; null when nothing is to be sent (no mail configured, or no email address). */
  async function message(kind: 'survey_invitation' | 'survey_reminder', campaignId: string, data: Record<string, unknown>, inv: { _id: string; customerId: string; linkId: string }, at: number) {
    if (!deps.customerMail) return null;
    return enqueueCustomerMessage(models, deps.customerMail, {
      outboxId: `${inv._id}:${kind === 'survey_invitation' ? 'invitation' : 'reminder'}`,
      kind,
      customerId: inv.customerId,
      campaignId,
      link: { linkId: inv.linkId, subject: 'invitation', subjectId: inv._id },
      data,
      at: new Date(at),
    });
  }

  /**
   * Opens the campaign at `now` (the workflow's instant): one invitation per
   * recipient with its link, an invitation email for each who has an email
   * address, then status `open`. Returns the outbox ids to deliver.
   */
  async function openSurveyCampaign(input: { campaignId: string; now: number }): Promise<{ invited: number; outboxIds: string[] }> {
    const campaign = await campaignOf(input.campaignId);
    const recipients: Recipient[] = await resolveAudience(models, campaign);
    const contacts = new Map((await models.Customer.find({ _id: { $in: recipients.map((r) => r.customerId) } }, { language: 1 }).lean()).map((c) => [c._id, c.language]));
    const data = await messageData(campaign);
    const outboxIds: string[] = [];
    await forEachLimited(recipients, CONCURRENCY, async (r, i) => {
      const invitationId = invitationIdFor(campaign._id, r.customerId);
      const linkId = await ensureLink(models, 'invitation', invitationId, r.customerId, 'system', new Date(input.now));
      const language = contacts.get(r.customerId);
      const inv = { _id: invitationId, customerId: r.customerId, linkId, language: isLanguage(language) ? language : DEFAULT_LANGUAGE };
      await insertIfAbsent(models.SurveyInvitation, [{ ...inv, campaignId: campaign._id, complaintId: r.complaintId, createdAt: new Date(input.now), sentAt: null, remindedAt: null }]);
      const outboxId = await message('survey_invitation', campaign._id, data, inv, input.now);
      if (outboxId) {
        outboxIds.push(outboxId);
        await models.SurveyInvitation.updateOne({ _id: invitationId, sentAt: null }, { $set: { sentAt: new Date(input.now) } });
      }
      if (i % 100 === 99) heartbeat({ invited: i + 1 });
    });
    await models.SurveyCampaign.updateOne({ _id: campaign._id, status: 'scheduled' }, { $set: { status: 'open', openedAt: new Date(input.now), invited: recipients.length } });
    await appendCampaignEventOnce(models, campaign._id, { action: 'survey.opened', actor: { id: 'system', role: 'system' }, details: { invited: recipients.length, emailed: outboxIds.length } });
    return { invited: recipients.length, outboxIds: outboxIds.sort() };
  }

  /**
   * Reminds, once, every invitation without a complete response: a reminder
   * email (when the customer has an address), `remindedAt` = `now`. A retry
   * recognises its own reminders by that instant.
   */
  async function remindSurveyCampaign(input: { campaignId: string; now: number }): Promise<{ reminded: number; outboxIds: string[] }> {
    const campaign = await campaignOf(input.campaignId);
    const at = new Date(input.now);
    const [invitations, completed] = await Promise.all([
      models.SurveyInvitation.find({ campaignId: campaign._id }, { customerId: 1, linkId: 1, language: 1, remindedAt: 1 }).lean(),
      models.SurveyResponse.find({ campaignId: campaign._id, complete: true }, { _id: 1 }).lean(),
    ]);
    const done = new Set(completed.map((r) => r._id));
    const data = await messageData(campaign);
    const due = invitations.filter((inv) => !done.has(inv._id) && (!inv.remindedAt || inv.remindedAt.getTime() === input.now));
    const outboxIds: string[] = [];
    await forEachLimited(due, CONCURRENCY, async (inv, i) => {
      const outboxId = await message('survey_reminder', campaign._id, data, inv, input.now);
      if (!outboxId) return;
      outboxIds.push(outboxId);
      await models.SurveyInvitation.updateOne({ _id: inv._id, remindedAt: null }, { $set: { remindedAt: at } });
      if (i % 100 === 99) heartbeat({ reminded: i + 1 });
    });
    const reminded = await models.SurveyInvitation.countDocuments({ campaignId: campaign._id, remindedAt: { $ne: null } });
    await models.SurveyCampaign.updateOne({ _id: campaign._id }, { $set: { reminded } });
    await appendCampaignEventOnce(models, campaign._id, { action: 'survey.reminded', actor: { id: 'system', role: 'system' }, details: { reminded } });
    return { reminded, outboxIds: outboxIds.sort() };
  }

  /** Closes the campaign as of `closedAt` (from the workflow: its end, or when someone closed it). */
  async function closeSurveyCampaign(input: { campaignId: string; closedAt: number; closedBy: Actor }): Promise<void> {
    await models.SurveyCampaign.updateOne({ _id: input.campaignId, status: { $ne: 'closed' } }, { $set: { status: 'closed', closedAt: new Date(input.closedAt) } });
    const early = input.closedBy.role !== 'system';
    await appendCampaignEventOnce(models, input.campaignId, { action: 'survey.closed', actor: input.closedBy, details: { closedAt: new Date(input.closedAt).toISOString(), early } });
  }

  /** Scores the complete responses up to the close, stores the result, writes the survey facts (see computeAndStoreResults). */
  async function computeSurveyResults(input: { campaignId: string }): Promise<{ completed: number }> {
    const summary = await computeAndStoreResults(models, input.campaignId);
    return { completed: summary.counts.completed };
  }

  return { openSurveyCampaign, remindSurveyCampaign, closeSurveyCampaign, computeSurveyResults };
}

export type SurveyActivities = ReturnType<typeof createSurveyActivities>;
