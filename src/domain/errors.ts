/**
 * One registry of business error codes. Workflows raise them as
 * `ApplicationFailure` with `type` set to the code; the API maps them to HTTP
 * statuses; tests assert on them. `as const` object instead of an enum, as in
 * the Temporal SDK.
 */
export const ErrorCode = {
  /** The action is not allowed from the complaint's current status. */
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  /** The actor's role or relation to the complaint does not allow the action. */
  NOT_PERMITTED: 'NOT_PERMITTED',
  /** The action's payload breaks a business rule (e.g. transfer to the current owner). */
  INVALID_ACTION: 'INVALID_ACTION',
  /** The reopen window after resolution has passed. */
  REOPEN_WINDOW_CLOSED: 'REOPEN_WINDOW_CLOSED',
  /** A CSAT rating was already recorded for this complaint. */
  CSAT_ALREADY_RECORDED: 'CSAT_ALREADY_RECORDED',
  /** A calendar or SLA policy definition is invalid. */
  INVALID_DEFINITION: 'INVALID_DEFINITION',
  /** A gate was submitted before its phase's artefacts were complete; `details.missing` names them. */
  GATE_INCOMPLETE: 'GATE_INCOMPLETE',
  /** The gate is awaiting signatures: its artefacts are frozen. */
  GATE_PENDING: 'GATE_PENDING',
  /** The cycle's owner tried to sign their own gate. */
  SELF_APPROVAL_FORBIDDEN: 'SELF_APPROVAL_FORBIDDEN',
  /** This approver already approved the current submission. */
  ALREADY_SIGNED: 'ALREADY_SIGNED',
  /** Standardizing needs a check report showing the goal met. */
  GOAL_NOT_MET: 'GOAL_NOT_MET',
  // Refusals of use cases (src/services), mapped to HTTP statuses by src/api/problem.ts.
  /** Input breaks a rule checked by a use case; `details.errors` lists `{ path, message }` per field. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** The object named does not exist. */
  NOT_FOUND: 'NOT_FOUND',
  /** The request conflicts with the current state of the object. */
  CONFLICT: 'CONFLICT',
  /** Someone saved a newer version first (versioned catalogs). */
  VERSION_CONFLICT: 'VERSION_CONFLICT',
  /** The request refers to a user that does not exist; `details.errors` names the fields. */
  UNKNOWN_USER: 'UNKNOWN_USER',
  /** The request names a user whose role may not do what the object would need of them. */
  USER_CANNOT_ACT: 'USER_CANNOT_ACT',
  /** An Idempotency-Key was reused with a different request. */
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  /** A measurement was sent by hand for a metric bound to live data. */
  METRIC_BOUND: 'METRIC_BOUND',
  /** There is not enough data for the computation asked (too few periods, no volume...). */
  INSUFFICIENT_DATA: 'INSUFFICIENT_DATA',
  // Refusals of the admin use cases (users and API keys).
  /** A user with this id already exists. */
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  /** Keys are not issued to a disabled user. */
  USER_DISABLED: 'USER_DISABLED',
  /** An admin tried to disable or demote their own account. */
  SELF_LOCKOUT: 'SELF_LOCKOUT',
  /** The same key request was already answered with a key (shown once); `details.keyId` names it. */
  KEY_ALREADY_ISSUED: 'KEY_ALREADY_ISSUED',
  /** A customer link that is malformed, forged or altered (its signature does not match). */
  LINK_INVALID: 'LINK_INVALID',
  /** A customer link past its expiry. */
  LINK_EXPIRED: 'LINK_EXPIRED',
  /** A customer link revoked by staff (or superseded). */
  LINK_REVOKED: 'LINK_REVOKED',
  /** A survey campaign that is not open (not started yet, or closed). */
  SURVEY_CLOSED: 'SURVEY_CLOSED',
  /** A survey response already submitted as complete: it cannot change. */
  RESPONSE_COMPLETE: 'RESPONSE_COMPLETE',
  /** A follow-up task already completed. */
  FOLLOW_UP_DONE: 'FOLLOW_UP_DONE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A rule of the domain was broken. Pure code throws this; adapters translate it. */
export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: ErrorCode | (string & {}),
    message: string,
    /** Machine-readable specifics (e.g. `missing` artefacts), passed on to API clients. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
