/**
 * Requests of the customer page: the app's own fetch wrapper (api.ts, same
 * problem+json -> ApiError) outside the staff session, with the link token
 * in `X-Customer-Link` on every request.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { ApiError, api, newIdempotencyKey } from '../../api';

const options = (token: string, idempotencyKey?: string) => ({ anonymous: true, headers: { 'x-customer-link': token }, ...(idempotencyKey ? { idempotencyKey } : {}) });

export const customerApi = {
  get: <T>(token: string, path: string) => api.get<T>(path, options(token)),
  post: <T>(token: string, path: string, body: unknown, idempotencyKey: string) => api.post<T>(path, body, options(token, idempotencyKey)),
  put: <T>(token: string, path: string, body: unknown, idempotencyKey: string) => api.put<T>(path, body, options(token, idempotencyKey)),
};

/** Query keys of one link's reads (all dropped together when the link stops working). */
export const linkKey = (token: string) => ['customer-link', token] as const;

/** The link itself stopped working (invalid, expired, revoked): the whole page says so, not one form. */
export function isLinkProblem(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 401 || err.status === 410);
}

/**
 * One write of the customer page. Each submission has one Idempotency-Key:
 * the same body sent again (a double click before the button disables, a
 * retry after a network error or a 429) reuses it, so the API applies it
 * once; a changed body or a success starts a new key. After a refusal the
 * page's reads are refreshed (the complaint may have moved on; a dead link
 * turns the page into the link's problem).
 */
export function useCustomerWrite<TBody, TResult>(token: string, send: (body: TBody, idempotencyKey: string) => Promise<TResult>, onSuccess: (result: TResult) => void) {
  const qc = useQueryClient();
  const submission = useRef<{ body: string; key: string } | null>(null);
  return useMutation({
    mutationFn: (body: TBody) => {
      const json = JSON.stringify(body);
      if (submission.current?.body !== json) submission.current = { body: json, key: newIdempotencyKey() };
      return send(body, submission.current.key);
    },
    onSuccess: (result) => {
      submission.current = null;
      onSuccess(result);
    },
    onError: (err) => {
      if (err instanceof ApiError && (isLinkProblem(err) || err.status === 409)) void qc.invalidateQueries({ queryKey: linkKey(token) });
    },
  });
}
