/**
 * A local mail catcher for development and tests: a real SMTP server
 * (smtp-server; no TLS, no authentication, 127.0.0.1 only) that keeps the
 * last messages it receives in memory, parsed with mailparser, and a small
 * web page listing them newest first with their links clickable (plus
 * `/messages.json`). Nothing is relayed anywhere.
 *
 *   npm run dev                    starts one and points the worker at it
 *   npx tsx scripts/mail-catcher.ts    standalone (ports: QL_DEV_SMTP_PORT,
 *                                  QL_DEV_MAIL_PORT; free ports when unset)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AddressObject, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMessage {
  /** Increasing number, as a string (the page's anchors and `/messages/<id>.html`). */
  id: string;
  receivedAt: string;
  /** The SMTP envelope: who the message was actually delivered to. */
  envelope: { from: string | null; to: string[] };
  from: string;
  to: string;
  subject: string;
  /** The Date header (ISO), when the message has one. */
  date: string | null;
  messageId: string | null;
  /** Every header, lower-case names, values as text. */
  headers: Record<string, string>;
  text: string;
  html: string | null;
  /** The http(s) links of the plain-text body, in order. */
  links: string[];
}

export interface MailCatcherOptions {
  /** SMTP port on 127.0.0.1; 0 (default): a free one. */
  smtpPort?: number;
  /** Web page port on 127.0.0.1; 0 (default): a free one. */
  httpPort?: number;
  /** How many messages are kept (the oldest go first); default 200. */
  maxMessages?: number;
  /** Answers RCPT TO for these addresses with "550 5.1.1 mailbox unavailable" (tests of bounces). */
  rejectRecipient?: (address: string) => boolean;
}

export interface MailCatcher {
  /** `smtp://127.0.0.1:<port>`: the QL_SMTP_URL that sends here. */
  smtpUrl: string;
  /** `http://127.0.0.1:<port>/`: the page listing the caught mail. */
  webUrl: string;
  /** The messages kept, oldest first. */
  messages(): CaughtMessage[];
  /** Calls `listener` for every message caught from now on; returns the unsubscribe function. */
  onMessage(listener: (message: CaughtMessage) => void): () => void;
  stop(): Promise<void>;
}

const LINK = /https?:\/\/[^\s<>"']+/g;

function addressText(a: AddressObject | AddressObject[] | undefined): string {
  if (!a) return '';
  return (Array.isArray(a) ? a : [a]).map((x) => x.text).join(', ');
}

function headerText(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && 'text' in v && typeof (v as { text: unknown }).text === 'string') return (v as { text: string }).text;
  if (v && typeof v === 'object' && 'value' in v) return String((v as { value: unknown }).value);
  return JSON.stringify(v);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** The text with its http(s) links made clickable, everything escaped. */
function linkified(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(LINK)) {
    out += esc(text.slice(last, m.index));
    out += `<a href="${esc(m[0])}">${esc(m[0])}</a>`;
    last = m.index! + m[0].length;
  }
  return out + esc(text.slice(last));
}

function page(messages: CaughtMessage[], smtpUrl: string): string {
  const items = messages
    .slice()
    .reverse()
    .map(
      (m) => `<article id="m${m.id}">
<h2>${esc(m.subject || '(no subject)')}</h2>
<p class="meta"><b>To</b> ${esc(m.to || m.envelope.to.join(', '))} · <b>From</b> ${esc(m.from)} · <b>Date</b> ${esc(m.date ?? m.receivedAt)}${m.html ? ` · <a href="messages/${m.id}.html">HTML version</a>` : ''}</p>
<pre>${linkified(m.text)}</pre>
</article>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Caught mail (${messages.length})</title>
<style>
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:56rem;padding:1rem;color:#1f2933}
article{border:1px solid #d9dee3;border-radius:6px;padding:0 1rem;margin:1rem 0}
.meta{color:#52606d;font-size:.9rem}
pre{white-space:pre-wrap;word-break:break-word;font-size:.95rem}
</style>
</head>
<body>
<h1>Caught mail</h1>
<p>Everything sent to <code>${esc(smtpUrl)}</code>, newest first (the last ${messages.length} kept in memory; nothing is relayed). Reload to see new mail. JSON: <a href="messages.json">messages.json</a>.</p>
${items || '<p><i>No mail yet.</i></p>'}
</body>
</html>
`;
}

function listen(server: { listen(port: number, host: string, cb: () => void): unknown; once(ev: 'error', cb: (err: Error) => void): unknown }, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

/** Starts the SMTP server and its web page (see the module comment). */
export async function startMailCatcher(opts: MailCatcherOptions = {}): Promise<MailCatcher> {
  const max = opts.maxMessages ?? 200;
  const kept: CaughtMessage[] = [];
  const listeners = new Set<(m: CaughtMessage) => void>();
  let seq = 0;

  const smtp = new SMTPServer({
    authOptional: true,
    // Plain SMTP on the loopback only: no certificate to trust, nothing to log in with.
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    banner: 'qualityloop mail catcher',
    closeTimeout: 1000,
    onRcptTo(address, _session, callback) {
      if (opts.rejectRecipient?.(address.address)) {
        return callback(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const text = parsed.text ?? '';
          const headers: Record<string, string> = {};
          for (const [k, v] of parsed.headers) headers[k.toLowerCase()] = headerText(v);
          const message: CaughtMessage = {
            id: String(++seq),
            receivedAt: new Date().toISOString(),
            envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null, to: session.envelope.rcptTo.map((r) => r.address) },
            from: addressText(parsed.from),
            to: addressText(parsed.to),
            subject: parsed.subject ?? '',
            date: parsed.date ? parsed.date.toISOString() : null,
            messageId: parsed.messageId ?? null,
            headers,
            text,
            html: typeof parsed.html === 'string' ? parsed.html : null,
            links: text.match(LINK) ?? [],
          };
          kept.push(message);
          if (kept.length > max) kept.splice(0, kept.length - max);
          for (const l of listeners) l(message);
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await listen(smtp, opts.smtpPort ?? 0);
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const smtpUrl = `smtp://127.0.0.1:${smtpPort}`;

  const web = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    if (path === '/') {
      return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page(kept, smtpUrl));
    }
    if (path === '/messages.json') {
      return void res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(kept.slice().reverse()));
    }
    const html = /^\/messages\/(\d+)\.html$/.exec(path);
    const found = html ? kept.find((m) => m.id === html[1]) : undefined;
    if (found?.html) {
      // The message's own HTML, sandboxed: no script runs, nothing is fetched but inline styles.
      return void res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "sandbox allow-popups allow-top-navigation-by-user-activation; default-src 'none'; style-src 'unsafe-inline'" })
        .end(found.html);
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
  });
  try {
    await listen(web, opts.httpPort ?? 0);
  } catch (err) {
    await new Promise<void>((r) => smtp.close(() => r()));
    throw err;
  }
  const webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}/`;

  let stopped: Promise<void> | null = null;
  return {
    smtpUrl,
    webUrl,
    messages: () => kept.slice(),
    onMessage(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    stop() {
      stopped ??= Promise.all([
        new Promise<void>((r) => smtp.close(() => r())),
        new Promise<void>((r) => {
          web.close(() => r());
          web.closeAllConnections();
        }),
      ]).then(() => undefined);
      return stopped;
    },
  };
}

if (require.main === module) {
  const port = (name: string) => Number(process.env[name] ?? 0);
  startMailCatcher({ smtpPort: port('QL_DEV_SMTP_PORT'), httpPort: port('QL_DEV_MAIL_PORT') }).then(
    (catcher) => {
      console.log(`Mail catcher: SMTP ${catcher.smtpUrl} (set QL_SMTP_URL=${catcher.smtpUrl}); caught mail at ${catcher.webUrl}`);
      const stop = () => void catcher.stop().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err: Error) => {
      console.error(`mail catcher failed to start: ${err.message}`);
      process.exit(1);
    },
  );
}
