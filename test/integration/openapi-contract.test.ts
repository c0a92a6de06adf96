/**
 * The OpenAPI document and the response validator every test goes through
 * (test/helpers/openapi-validation.ts, hooked into call()):
 * - the live GET /openapi.json is a valid OpenAPI 3.1 document, checked by
 *   @seriousme/openapi-schema-validator (ESM only, so it runs in a child
 *   Node process) and is the document the validator loads;
 * - the validator accepts real answers of the live API and reports each kind
 *   of drift in answers that break the document, so the hook cannot silently
 *   pass everything.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApiStack, startApiStack } from '../helpers/api';
import { type ObservedResponse, assertDocumentedResponse, openApiDocument, validateResponse, validatedFetch } from '../helpers/openapi-validation';

/** Runs @seriousme/openapi-schema-validator on `document` in a child process (the package is ESM only; jest runs CommonJS). */
function validateDocument(document: unknown): Promise<{ valid: boolean; version: string; errors?: unknown }> {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    const validator = new Validator();
    const res = await validator.validate(JSON.parse(text));
    process.stdout.write(JSON.stringify({ valid: res.valid, version: validator.version, errors: res.errors }));
  `;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`openapi-schema-validator failed: ${stderr || err.message}`));
      resolve(JSON.parse(stdout) as { valid: boolean; version: string; errors?: unknown });
    });
    child.stdin!.end(JSON.stringify(document));
  });
}

let stack: ApiStack;
/** Real answers of the live API, which the tests below break one way at a time. */
let complaint: ObservedResponse;
let notFound: ObservedResponse;

beforeAll(async () => {
  stack = await startApiStack();
  const created = await stack.call('POST', '/complaints', {
    key: stack.keys.agent,
    body: { customer: { id: 'cust-contract', name: 'Eve' }, channel: 'email', category: 'billing', severity: 'P3', description: 'charged twice' },
  });
  expect(created.status).toBe(201);
  const read = await stack.call('GET', `/complaints/${created.body.id}`, { key: stack.keys.supervisor });
  expect(read.status).toBe(200);
  complaint = { method: 'GET', path: `/complaints/${created.body.id}`, status: read.status, headers: read.headers, body: read.body };
  const missing = await stack.call('GET', '/complaints/c_000000000000000000000000', { key: stack.keys.supervisor });
  expect(missing.status).toBe(404);
  notFound = { method: 'GET', path: '/complaints/c_000000000000000000000000', status: missing.status, headers: missing.headers, body: missing.body };
});

afterAll(async () => {
  await stack?.stop();
});

/** The live 404 problem with another status. */
const problem = (status: number) => ({ ...(notFound.body as Record<string, unknown>), status });
const problemHeaders = { 'content-type': 'application/problem+json; charset=utf-8' };

describe('the OpenAPI document', () => {
  it('given the live API, when GET /openapi.json is read, then it is a valid OpenAPI 3.1 document', async () => {
    const res = await fetch(`${stack.baseUrl}/openapi.json`);
    expect(res.status).toBe(200);
    const live = (await res.json()) as { openapi: string };
    const result = await validateDocument(live);
    expect({ valid: result.valid, errors: result.errors }).toEqual({ valid: true, errors: undefined });
    expect(result.version).toBe('3.1');
    expect(live.openapi).toBe('3.1.0');
  });

  it('given the live document, when compared with the one the validator loads, then they are the same but for the server address', async () => {
    const live = (await (await fetch(`${stack.baseUrl}/openapi.json`)).json()) as Record<string, unknown>;
    expect({ ...live, servers: [] }).toEqual({ ...JSON.parse(JSON.stringify(openApiDocument())), servers: [] });
  });
});

describe('the response validator', () => {
  it('given real answers of the live API (a complaint, a 404 problem, an unknown path), when validated, then it reports nothing', async () => {
    expect(validateResponse(complaint)).toEqual([]);
    expect(validateResponse(notFound)).toEqual([]);
    const unknown = await stack.call('GET', '/no-such-route', { key: stack.keys.supervisor });
    expect(unknown.status).toBe(404);
    expect(validateResponse({ method: 'GET', path: '/no-such-route', status: 404, headers: unknown.headers, body: unknown.body })).toEqual([]);
  });

  it('given a problem without its required status, when validated, then the missing property is reported', () => {
    const { status: _omitted, ...withoutStatus } = problem(404);
    const problems = validateResponse({ ...notFound, body: withoutStatus });
    expect(problems).toEqual([expect.stringMatching(/required property 'status'/)]);
  });

  it('given a 200 complaint with an extra property where the schema forbids them, when validated, then the extra property is reported', () => {
    const body = complaint.body as Record<string, unknown>;
    const customer = body.customer as Record<string, unknown>;
    const problems = validateResponse({ ...complaint, body: { ...body, customer: { ...customer, internalNote: 'x' } } });
    expect(problems).toEqual([expect.stringMatching(/^body\/customer must NOT have additional properties .*internalNote/)]);
  });

  it('given a 200 complaint whose field has the wrong type or is missing, when validated, then each is reported at its path', () => {
    const { severity: _omitted, ...body } = complaint.body as Record<string, unknown>;
    const problems = validateResponse({ ...complaint, body: { ...body, reopenCount: 'twice' } });
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/required property 'severity'/), expect.stringMatching(/^body\/reopenCount must be/)]));
    expect(problems).toHaveLength(2);
  });

  it('given a status the operation does not document, when validated, then the status is reported', () => {
    expect(validateResponse({ method: 'GET', path: '/complaints/C-1', status: 418, headers: problemHeaders, body: problem(418) })).toEqual([expect.stringMatching(/^status 418 is not documented/)]);
  });

  it('given an undocumented content type or a body where none is documented, when validated, then the media type is reported', () => {
    expect(validateResponse({ ...complaint, headers: { 'content-type': 'text/html' }, body: '<p>hi</p>' })).toEqual([expect.stringMatching(/^content-type text\/html is not documented for 200/)]);
    expect(validateResponse({ method: 'GET', path: '/complaints/C-1', status: 404, headers: { 'content-type': 'application/json' }, body: problem(404) })).toEqual([
      expect.stringMatching(/^content-type application\/json is not documented for 404 \(documented: application\/problem\+json\)/),
    ]);
  });

  it('given a path the document does not know, when the server answers anything but a 404 problem, then the route is reported as undocumented', () => {
    expect(validateResponse({ method: 'GET', path: '/no-such-route', status: 404, headers: problemHeaders, body: problem(404) })).toEqual([]);
    expect(validateResponse({ method: 'GET', path: '/no-such-route', status: 200, headers: { 'content-type': 'application/json' }, body: {} })).toEqual([expect.stringMatching(/^path \/no-such-route is not in the document/)]);
  });

  it('given a method the document does not list for a known path, when the server answers without 405 and the documented Allow, then that is reported', () => {
    expect(validateResponse({ method: 'DELETE', path: '/complaints/C-1', status: 404, headers: problemHeaders, body: problem(404) })).toEqual([expect.stringMatching(/^DELETE is not documented for \/complaints\/C-1 .* instead of 405/)]);
    expect(validateResponse({ method: 'DELETE', path: '/complaints/C-1', status: 405, headers: { ...problemHeaders, allow: 'GET, POST' }, body: problem(405) })).toEqual([expect.stringMatching(/^Allow is "GET, POST"/)]);
  });

  it('given the web app, the docs page and the document itself, when validated, then they are left out by rule', () => {
    for (const path of ['/', '/app/', '/app/complaints/C-1', '/docs', '/docs/init.js', '/openapi.json', '/metrics']) {
      expect(validateResponse({ method: 'GET', path, status: 200, headers: { 'content-type': 'text/html' }, body: '<html></html>' })).toEqual([]);
    }
  });

  it('given a drift, when asserted, then the error names method, path, status and the schema error', () => {
    const { status: _omitted, ...withoutStatus } = problem(404);
    expect(() => assertDocumentedResponse({ method: 'get', path: '/complaints/C-1?x=1', status: 404, headers: problemHeaders, body: withoutStatus })).toThrow(
      /OpenAPI contract: GET \/complaints\/C-1\?x=1 -> 404 does not match the document:\n {2}- body must have required property 'status'/,
    );
  });

  it('given a server whose answer breaks the document, when called through validatedFetch, then the call fails naming the drift', async () => {
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"C-1"}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/complaints/C-1`;
      await expect(validatedFetch(url)).rejects.toThrow(/GET \/complaints\/C-1 -> 200 does not match the document:\n {2}- body must have required property/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
