import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Models } from '../../db/models';
import { problems } from '../problem';
import { type RouteSpec, defineRoute } from '../route';
import { emptyQuery } from '../schemas';
import { problemResponses } from './common';

const READY_TIMEOUT_MS = 2_000;

function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

export function healthRoutes(models: Models, client: Client): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/healthz', tag: 'operations', summary: 'Liveness: the process serves requests', permission: 'public', query: emptyQuery,
      responses: { 200: { description: 'alive', schema: z.object({ status: z.literal('ok') }) } },
      handler: async () => ({ status: 200, body: { status: 'ok' } }),
    }),
    defineRoute({
      method: 'get', path: '/readyz', tag: 'operations', summary: 'Readiness: MongoDB and Temporal reachable', permission: 'public', query: emptyQuery,
      responses: { 200: { description: 'ready', schema: z.object({ status: z.literal('ready'), checks: z.record(z.string(), z.string()) }) }, ...problemResponses(503) },
      handler: async () => {
        const checks: Record<string, string> = {};
        await Promise.all([
          within(READY_TIMEOUT_MS, models.connection.db!.admin().ping()).then(() => (checks.mongo = 'ok'), (e: Error) => (checks.mongo = e.message)),
          within(READY_TIMEOUT_MS, client.connection.withDeadline(Date.now() + READY_TIMEOUT_MS, () => client.workflowService.getSystemInfo({}))).then(
            () => (checks.temporal = 'ok'),
            (e: Error) => (checks.temporal = e.message),
          ),
        ]);
        const failing = Object.entries(checks).filter(([, v]) => v !== 'ok');
        if (failing.length > 0) {
          const p = problems.unavailable(`not ready: ${failing.map(([k, v]) => `${k}: ${v}`).join('; ')}`);
          Object.assign(p.extra, { checks });
          throw p;
        }
        return { status: 200, body: { status: 'ready', checks } };
      },
    }),
  ];
}
