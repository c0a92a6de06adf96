/**
 * What a caller may do now with one complaint or cycle: the contract between
 * the API's detail views and their clients (the web app shows exactly these
 * actions and re-implements no rule). Pure zod, safe to import in the browser.
 *
 * An action is listed only when both hold:
 * - the permission matrix and the object-level scope grant the caller the
 *   route's permission on this object (the check the route itself makes);
 * - the domain reducer would accept that command type now from this caller:
 *   the same precondition functions the decider runs before it reads the body
 *   (`availableComplaintCommands` in src/domain/complaint.ts,
 *   `availableCycleCommands` in src/domain/cycle.ts). Rules that depend on the
 *   body (a transfer's target, a due date, a rating's range...) are left to
 *   the request, whose problem+json names the failing fields.
 *
 * Computed for one object at a time (`GET /complaints/:id`, `GET /cycles/:id`
 * and the 200 replies of their action POSTs), never for list pages: the
 * reducer would run for every row.
 */
import { z } from 'zod';

/** URL segment of a command type: `add_note` -> `add-note` (`POST /complaints/:id/add-note`). */
export const actionSlug = (type: string): string => type.replace(/_/g, '-');

export const availableAction = z
  .object({
    name: z.string().describe("the command type, e.g. 'acknowledge', 'add_note', 'submit_gate'"),
    method: z.literal('POST'),
    path: z.string().describe("the route to send it to, e.g. '/complaints/C-123/add-note'"),
    permission: z.string().describe('the permission of the matrix the route needs (docs/permissions.md)'),
  })
  .describe('an action the caller may take now');

export type AvailableAction = z.infer<typeof availableAction>;

export const availableActionList = z
  .array(availableAction)
  .describe('the actions the caller may take now, judged by the permission matrix and the same domain rules that will judge the request; body-dependent rules are left to the request');
