import { DomainError, type ErrorCode } from '../../src/domain/errors';

/** Runs `fn`, expecting a DomainError with `code`; returns it for further checks. */
export function expectDomainError(fn: () => unknown, code: ErrorCode): DomainError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(DomainError);
  expect((caught as DomainError).code).toBe(code);
  return caught as DomainError;
}
