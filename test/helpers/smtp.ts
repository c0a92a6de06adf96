/**
 * A real SMTP server for tests, in process: the development mail catcher
 * (scripts/mail-catcher.ts, smtp-server + mailparser) on free ports, with a
 * wait for a matching message and a switch that refuses chosen recipients
 * with "550 5.1.1 mailbox unavailable" (a bounced address).
 */
import { type CaughtMessage, startMailCatcher } from '../../scripts/mail-catcher';
import { closeMailTransports } from '../../src/mail/transport';

export type { CaughtMessage } from '../../scripts/mail-catcher';

export interface TestSmtpServer {
  /** `smtp://127.0.0.1:<port>`: the `mail.smtpUrl` of the worker under test. */
  smtpUrl: string;
  webUrl: string;
  /** Every message received so far, oldest first. */
  messages(): CaughtMessage[];
  /** The first message (already received or still to come) that matches, or an error after `timeoutMs`. */
  waitForMessage(predicate: (m: CaughtMessage) => boolean, timeoutMs?: number): Promise<CaughtMessage>;
  /** From now on, RCPT TO for `address` is answered 550. */
  rejectRecipient(address: string): void;
  /** Stops the server; first closes this process's pooled SMTP connections (the test's worker runs in this process). */
  stop(): Promise<void>;
}

export async function startTestSmtpServer(opts: { reject?: string[] } = {}): Promise<TestSmtpServer> {
  const rejected = new Set((opts.reject ?? []).map((a) => a.toLowerCase()));
  const catcher = await startMailCatcher({ rejectRecipient: (address) => rejected.has(address.toLowerCase()) });
  return {
    smtpUrl: catcher.smtpUrl,
    webUrl: catcher.webUrl,
    messages: () => catcher.messages(),
    waitForMessage(predicate, timeoutMs = 30_000) {
      const found = catcher.messages().find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          unsubscribe();
          const got = catcher.messages().map((m) => `${m.envelope.to.join(',')}: ${m.subject}`);
          reject(new Error(`no matching mail within ${timeoutMs} ms; got ${got.length ? got.join(' | ') : 'none'}`));
        }, timeoutMs);
        const unsubscribe = catcher.onMessage((m) => {
          if (!predicate(m)) return;
          clearTimeout(timer);
          unsubscribe();
          resolve(m);
        });
      });
    },
    rejectRecipient: (address) => void rejected.add(address.toLowerCase()),
    async stop() {
      await closeMailTransports();
      await catcher.stop();
    },
  };
}
