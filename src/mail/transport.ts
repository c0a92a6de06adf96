/**
 * SMTP sending for customer email (nodemailer). One pooled transport per SMTP
 * URL per process: a batch of survey invitations reuses a few connections
 * instead of opening one per message. Timeouts are well below the delivery
 * activity's 30 s start-to-close timeout, so an attempt that hangs on a dead
 * relay ends (and is retried) rather than overlapping its own retry.
 */
import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';

export interface OutgoingMail {
  from: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** Stable per outbox message, so a receiver can drop a duplicate (see messageIdFor). */
  messageId: string;
  headers?: Record<string, string>;
}

export interface SentMail {
  messageId: string;
  /** The server's final reply, e.g. "250 2.0.0 Ok: queued as 4F2A1" (names the message in the relay's logs). */
  response: string;
}

type Transporter = ReturnType<typeof createTransport>;

const transports = new Map<string, Transporter>();

function transportFor(smtpUrl: string): Transporter {
  let t = transports.get(smtpUrl);
  if (!t) {
    t = createTransport({
      url: smtpUrl,
      pool: true,
      maxConnections: 3,
      maxMessages: 100,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    // A pooled connection that drops while idle is replaced on the next send; nothing to do here,
    // but an 'error' event without a listener would end the process.
    t.on('error', () => undefined);
    transports.set(smtpUrl, t);
  }
  return t;
}

/** Sends one message; rejects with nodemailer's error (see smtpFailure). */
export async function sendMail(smtpUrl: string, mail: OutgoingMail): Promise<SentMail> {
  const info = await transportFor(smtpUrl).sendMail({
    from: mail.from,
    to: { name: mail.to.name, address: mail.to.address },
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    headers: mail.headers,
  });
  return { messageId: info.messageId, response: String(info.response ?? '') };
}

/** Closes every pooled connection of this process (tests, shutdown). */
export async function closeMailTransports(): Promise<void> {
  for (const t of transports.values()) t.close();
  transports.clear();
}

/**
 * What a send failure means for the message: the SMTP reply to record (e.g.
 * "550 5.1.1 mailbox unavailable", else the error text), and whether it is a
 * permanent rejection of this message. Permanent = a 5xx reply to RCPT TO or
 * DATA: the relay refuses this recipient or this content, and the same
 * message will be refused again. A 5xx elsewhere (MAIL FROM, AUTH) is the
 * deployment's problem, not the message's, so it is retried like a 4xx or a
 * network error.
 */
export function smtpFailure(err: unknown): { reply: string; permanent: boolean } {
  const e = err as { response?: unknown; responseCode?: unknown; command?: unknown; message?: unknown };
  const reply = typeof e.response === 'string' && e.response.length > 0 ? e.response : String(e.message ?? err);
  const code = typeof e.responseCode === 'number' ? e.responseCode : 0;
  const permanent = code >= 500 && code < 600 && (e.command === 'RCPT TO' || e.command === 'DATA');
  return { reply: reply.slice(0, 1000), permanent };
}

/**
 * The Message-ID of an outbox message: derived from its id, so every attempt
 * (and a resend after a crash between the relay's acceptance and our status
 * write) carries the same one, and the domain of the From address.
 */
export function messageIdFor(outboxId: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'qualityloop.local';
  return `<ql.${createHash('sha256').update(outboxId).digest('hex').slice(0, 32)}@${domain}>`;
}
