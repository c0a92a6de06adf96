import { ApplicationFailure } from '@temporalio/workflow';
import { DomainError } from '../src/domain/errors';

/** A broken business rule becomes a non-retryable failure typed with its error code (and its details, e.g. what is missing). */
export function toFailure(err: unknown): unknown {
  if (err instanceof DomainError) {
    return ApplicationFailure.create({ message: err.message, type: err.code, nonRetryable: true, details: err.details ? [err.details] : undefined });
  }
  return err;
}
