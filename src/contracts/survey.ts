/**
 * The survey campaign workflow's public contract: its name, id, input, the
 * `close` update and the progress query. The API imports this without the
 * workflow body.
 *
 * A campaign workflow only decides and waits (send at `startsAt`, remind once
 * at `remindAt`, close at `endsAt` or when asked, then compute); every record
 * it leads to is written by an activity (activities/survey.ts).
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/actors';

export const SURVEY_CAMPAIGN_WORKFLOW = 'surveyCampaignWorkflow';

/** One workflow per campaign, never reused: `survey-<campaignId>`. */
export function surveyCampaignWorkflowId(campaignId: string): string {
  return `survey-${campaignId}`;
}

/** Instants are epoch ms; the campaign's audience and survey are read from the store by the activities (no personal data in the history). */
export interface SurveyCampaignInput {
  campaignId: string;
  startsAt: number;
  /** null: no reminder. */
  remindAt: number | null;
  endsAt: number;
}

/** Where a campaign workflow is: each phase is entered once, in this order (`reminded` is skipped without a reminder or on an early close). */
export const CAMPAIGN_PHASES = ['scheduled', 'open', 'reminded', 'closed', 'computed'] as const;
export type CampaignPhase = (typeof CAMPAIGN_PHASES)[number];

export interface CampaignProgress {
  campaignId: string;
  phase: CampaignPhase;
  /** Invitations created when the campaign opened. */
  invited: number;
  /** Reminder messages created (once). */
  reminded: number;
  /** When the campaign closed (its end, or when someone closed it early), epoch ms. */
  closedAt: number | null;
  /** Who closed it: the system at its end, or the user who asked. */
  closedBy: Actor | null;
}

export interface CloseCampaignRequest {
  actor: Actor;
}

/**
 * Closes the campaign now (or, once it has closed, does nothing) and answers
 * when its results are computed. Safe to send any number of times.
 */
export const closeCampaignUpdate = defineUpdate<CampaignProgress, [CloseCampaignRequest]>('survey.close');

export const getCampaignQuery = defineQuery<CampaignProgress>('getCampaign');

/** The audience as the campaign stores it: customer ids only (contacts live in `customers`). */
export type StoredAudience =
  | { source: 'list' | 'csv'; customers: { customerId: string; complaintId: string | null }[] }
  | { source: 'closed_complaints'; from: string; to: string; sampleSize: number; seed: string };
