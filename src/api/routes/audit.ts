/**
 * Audit integrity: the latest signed digest (for auditors to keep outside the
 * system) and verification of the hash chains. Both only read; there is no
 * route that updates or deletes audit events.
 */
import { z } from 'zod';
import { createAuditIntegrityService, type VerifyScope } from '../../services/audit-integrity';
import { digestVerifier } from '../../services/audit-keys';
import type { RouteDeps } from '../app';
import { HttpProblem, problems } from '../problem';
import { type RouteSpec, defineRoute } from '../route';
import { auditStream } from '../audit-schemas';
import { emptyQuery } from '../schemas';
import { problemResponses } from './common';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hash (64 lowercase hex digits)');
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const verifyBody = z
  .strictObject({
    stream: auditStream.optional(),
    from: instant.optional(),
    to: instant.optional(),
    /** A digest saved earlier (GET /audit/digests/latest): its seq and hash identify the signed record. */
    digest: z.strictObject({ seq: z.number().int().min(1), hash: hex64 }).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.stream && (b.from || b.to)) ctx.addIssue({ code: 'custom', path: ['stream'], message: 'give either a stream or a time range, not both' });
    if (!!b.from !== !!b.to) ctx.addIssue({ code: 'custom', path: [b.from ? 'to' : 'from'], message: 'a time range needs both from and to' });
    if (b.from && b.to && b.from >= b.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  });

const streamHead = z.object({ stream: z.string(), seq: z.number(), hash: z.string() });
const digestView = z.object({
  seq: z.number(),
  cutoff: z.string(),
  createdAt: z.string(),
  prevHash: z.string().nullable(),
  root: z.string(),
  streamCount: z.number(),
  changedHeads: z.array(streamHead),
  keyId: z.string(),
  hash: z.string(),
  signature: z.string(),
  publicKey: z.string().nullable(),
});
const chainBreak = z.object({ stream: z.string(), seq: z.number(), kind: z.enum(['modified', 'deleted', 'reordered', 'inserted', 'truncated']), detail: z.string() });
const verifyReport = z.object({
  ok: z.boolean(),
  scope: z.object({ kind: z.enum(['stream', 'range', 'all']), stream: z.string().optional(), from: z.string().optional(), to: z.string().optional() }),
  checkedEvents: z.number(),
  checkedStreams: z.number(),
  digest: z
    .object({ seq: z.number(), hash: z.string(), source: z.enum(['saved', 'latest_stored']), matchesStore: z.boolean(), chainIntact: z.boolean(), rootMatches: z.boolean(), problems: z.array(z.string()) })
    .nullable(),
  firstBreak: chainBreak.nullable(),
  breaks: z.array(chainBreak),
  brokenStreams: z.number(),
});

export function auditIntegrityRoutes(deps: RouteDeps): RouteSpec[] {
  const verifier = digestVerifier(deps.config);
  const service = createAuditIntegrityService(deps.models, verifier);
  const requireKey = () => {
    if (!verifier) throw new HttpProblem(503, 'Service Unavailable', 'no audit public key is configured (QL_AUDIT_PUBLIC_KEY)', { code: 'AUDIT_KEY_MISSING' });
  };

  return [
    defineRoute({
      method: 'get',
      path: '/audit/digests/latest',
      tag: 'audit',
      summary: 'The latest signed digest (Merkle root over every stream head, chained to the previous digest): save it outside the system',
      permission: 'audit.read',
      query: emptyQuery,
      responses: { 200: { description: 'the digest, its Ed25519 signature and the public key that verifies it', schema: digestView }, ...problemResponses(401, 403, 404, 503) },
      handler: async () => {
        requireKey();
        const digest = await service.latestDigest();
        if (!digest) throw problems.notFound('no digest has been made yet (the digest schedule runs every QL_AUDIT_DIGEST_INTERVAL_MINUTES)');
        return { status: 200, body: digest };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/audit/verify',
      tag: 'audit',
      summary: 'Verify the hash chains of one stream, a time range (from inclusive, to exclusive) or everything; reports the first broken link by stream and seq',
      permission: 'audit.read',
      body: verifyBody,
      responses: { 200: { description: 'the verification report (ok, or the breaks found)', schema: verifyReport }, ...problemResponses(400, 401, 403, 413, 415, 503) },
      handler: async ({ body }) => {
        requireKey();
        const scope: VerifyScope = body.stream ? { kind: 'stream', stream: body.stream } : body.from && body.to ? { kind: 'range', from: body.from, to: body.to } : { kind: 'all' };
        return { status: 200, body: await service.verify(scope, body.digest ?? null) };
      },
    }),
  ];
}
