/**
 * Customer email templates: one per message kind and language, each rendered
 * as a subject, a plain-text body and an HTML body from the same blocks, so the
 * two bodies always say the same thing.
 *
 * Pure functions (no I/O, no clock): delivery (activities/notifications.ts)
 * reads the contact, signs the link and passes everything in. Every value
 * that comes from data (names, categories, summaries, agent messages, URLs) is
 * HTML-escaped in the HTML body. The HTML is a single-column table layout with
 * inline styles only (what mail clients render reliably), no images and no
 * tracking pixel; the customer's link is the one call to action, repeated as
 * plain text under the button for clients that block buttons.
 */
import type { CustomerMessageKind, Language } from '../domain/customer';

export interface CustomerMessageData {
  /** The customer's name from their contact (read at send time); null: a neutral greeting. */
  name: string | null;
  /** The customer's signed link: the call to action, and until when it works (epoch ms). */
  link: { url: string; expiresAt: number };
  /** IANA zone for the dates shown (the complaint's business calendar); UTC when absent or unknown. */
  timeZone?: string;
  /** Complaint messages (registered, acknowledged, info_requested, resolved, closed). */
  complaint?: {
    complaintId: string;
    status: string;
    category: string;
    /** resolved: the resolution summary. */
    resolutionSummary?: string | null;
    /** info_requested: the agent's public message (what they ask for). */
    message?: string | null;
    /** resolved: until when the customer may confirm (epoch ms), and reopen. */
    confirmBy?: number | null;
    reopenBy?: number | null;
    /** closed: whether the customer's rating is already recorded (else they are invited to rate). */
    rated?: boolean;
  };
  /** Survey messages (survey_invitation, survey_reminder). */
  survey?: { title: string; intro?: string | null; closesAt: number | null };
}

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

/** A paragraph, or a quoted text with its label (an agent's message, a resolution). */
type Block = { p: string } | { label: string; quote: string };

interface Parts {
  subject: string;
  blocks: Block[];
  cta: string;
}

const STATUS_LABELS: Record<Language, Record<string, string>> = {
  en: {
    open: 'registered',
    acknowledged: 'acknowledged',
    in_progress: 'in progress',
    awaiting_customer: 'waiting for your reply',
    resolved: 'resolved',
    reopened: 'reopened',
    closed: 'closed',
    cancelled: 'cancelled',
  },
  'zh-CN': {
    open: '已登记',
    acknowledged: '已受理',
    in_progress: '处理中',
    awaiting_customer: '等待您的回复',
    resolved: '已解决',
    reopened: '已重新打开',
    closed: '已关闭',
    cancelled: '已取消',
  },
};

/** Dates as the customer reads them, with the zone named (e.g. "December 3, 2026 at 14:05 UTC", "2026年12月3日 UTC 14:05"). */
export function formatDate(ms: number, language: Language, timeZone = 'UTC'): string {
  const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' };
  try {
    return new Intl.DateTimeFormat(language, { ...options, timeZone }).format(ms);
  } catch {
    // An unknown zone name (a calendar from a newer tz database): UTC rather than no message.
    return new Intl.DateTimeFormat(language, { ...options, timeZone: 'UTC' }).format(ms);
  }
}

function statusLabel(status: string, language: Language): string {
  return STATUS_LABELS[language][status] ?? status;
}

function complaintOf(kind: CustomerMessageKind, data: CustomerMessageData): NonNullable<CustomerMessageData['complaint']> {
  if (!data.complaint) throw new Error(`a ${kind} message needs complaint data`);
  return data.complaint;
}

function surveyOf(kind: CustomerMessageKind, data: CustomerMessageData): NonNullable<CustomerMessageData['survey']> {
  if (!data.survey) throw new Error(`a ${kind} message needs survey data`);
  return data.survey;
}

function english(kind: CustomerMessageKind, data: CustomerMessageData): Parts {
  const date = (ms: number) => formatDate(ms, 'en', data.timeZone);
  switch (kind) {
    case 'registered': {
      const c = complaintOf(kind, data);
      return {
        subject: `We have received your complaint ${c.complaintId}`,
        blocks: [
          { p: `We have received your complaint about "${c.category}". Its reference is ${c.complaintId}; its status: ${statusLabel(c.status, 'en')}.` },
          { p: 'With your personal link you can follow it, add information and reply to us at any time.' },
        ],
        cta: 'View your complaint',
      };
    }
    case 'acknowledged': {
      const c = complaintOf(kind, data);
      return {
        subject: `Your complaint ${c.complaintId} is being handled`,
        blocks: [{ p: `One of our agents is now working on your complaint ${c.complaintId}. We will write to you again when there is news.` }],
        cta: 'View your complaint',
      };
    }
    case 'info_requested': {
      const c = complaintOf(kind, data);
      const blocks: Block[] = [{ p: `To continue with your complaint ${c.complaintId}, we need more information from you.` }];
      if (c.message) blocks.push({ label: 'Our question:', quote: c.message });
      blocks.push({ p: 'Please reply through your personal link.' });
      return { subject: `We need more information about your complaint ${c.complaintId}`, blocks, cta: 'Reply to us' };
    }
    case 'resolved': {
      const c = complaintOf(kind, data);
      const blocks: Block[] = [{ p: `Your complaint ${c.complaintId} has been resolved.` }];
      if (c.resolutionSummary) blocks.push({ label: 'What we did:', quote: c.resolutionSummary });
      blocks.push({ p: `Please confirm the resolution and rate our service${c.confirmBy ? ` by ${date(c.confirmBy)}` : ''}.` });
      blocks.push({ p: `If the problem is not solved, you can reopen the complaint${c.reopenBy ? ` until ${date(c.reopenBy)}` : ''}.` });
      return { subject: `Your complaint ${c.complaintId} is resolved: please confirm`, blocks, cta: 'Confirm or reopen' };
    }
    case 'closed': {
      const c = complaintOf(kind, data);
      return {
        subject: `Your complaint ${c.complaintId} is closed`,
        blocks: [
          { p: `Your complaint ${c.complaintId} is now closed. Thank you for your patience and for telling us.` },
          { p: c.rated ? 'You can still read its history through your personal link.' : 'If you wish, you can still rate our service through your personal link.' },
        ],
        cta: c.rated ? 'View your complaint' : 'Rate our service',
      };
    }
    case 'survey_invitation': {
      const s = surveyOf(kind, data);
      const blocks: Block[] = [{ p: `We would like to know what you think of our service: "${s.title}".` }];
      if (s.intro) blocks.push({ p: s.intro });
      blocks.push({ p: `It takes a few minutes${s.closesAt ? `, and is open until ${date(s.closesAt)}` : ''}.` });
      return { subject: `Your opinion, please: ${s.title}`, blocks, cta: 'Take the survey' };
    }
    case 'survey_reminder': {
      const s = surveyOf(kind, data);
      return {
        subject: `Reminder: ${s.title}`,
        blocks: [
          { p: `You have not finished the survey "${s.title}" yet${s.closesAt ? `; it closes on ${date(s.closesAt)}` : ''}.` },
          { p: 'Any answers you already gave are saved.' },
        ],
        cta: 'Continue the survey',
      };
    }
  }
}

function chinese(kind: CustomerMessageKind, data: CustomerMessageData): Parts {
  const date = (ms: number) => formatDate(ms, 'zh-CN', data.timeZone);
  switch (kind) {
    case 'registered': {
      const c = complaintOf(kind, data);
      return {
        subject: `我们已收到您的投诉（编号 ${c.complaintId}）`,
        blocks: [
          { p: `我们已收到您关于“${c.category}”的投诉，编号为 ${c.complaintId}，当前状态：${statusLabel(c.status, 'zh-CN')}。` },
          { p: '您可以通过下面的专属链接随时查看处理进度、补充信息或回复我们。' },
        ],
        cta: '查看投诉',
      };
    }
    case 'acknowledged': {
      const c = complaintOf(kind, data);
      return {
        subject: `您的投诉 ${c.complaintId} 已有专人处理`,
        blocks: [{ p: `我们的客服人员已开始处理您的投诉（编号 ${c.complaintId}）。有新进展时我们会再通知您。` }],
        cta: '查看投诉',
      };
    }
    case 'info_requested': {
      const c = complaintOf(kind, data);
      const blocks: Block[] = [{ p: `为了继续处理您的投诉（编号 ${c.complaintId}），我们需要您提供更多信息。` }];
      if (c.message) blocks.push({ label: '我们的问题：', quote: c.message });
      blocks.push({ p: '请通过您的专属链接回复我们。' });
      return { subject: `关于您的投诉 ${c.complaintId}，我们需要更多信息`, blocks, cta: '回复我们' };
    }
    case 'resolved': {
      const c = complaintOf(kind, data);
      const blocks: Block[] = [{ p: `您的投诉（编号 ${c.complaintId}）已处理完毕。` }];
      if (c.resolutionSummary) blocks.push({ label: '处理结果：', quote: c.resolutionSummary });
      blocks.push({ p: `请${c.confirmBy ? `在 ${date(c.confirmBy)} 之前` : ''}确认处理结果，并为我们的服务评分。` });
      blocks.push({ p: `如果问题仍未解决，您可以${c.reopenBy ? `在 ${date(c.reopenBy)} 之前` : ''}重新打开投诉。` });
      return { subject: `您的投诉 ${c.complaintId} 已解决，请确认`, blocks, cta: '确认或重新打开' };
    }
    case 'closed': {
      const c = complaintOf(kind, data);
      return {
        subject: `您的投诉 ${c.complaintId} 已关闭`,
        blocks: [
          { p: `您的投诉（编号 ${c.complaintId}）已关闭。感谢您的耐心与反馈。` },
          { p: c.rated ? '您仍可以通过专属链接查看处理记录。' : '如果您愿意，仍可以通过专属链接为我们的服务评分。' },
        ],
        cta: c.rated ? '查看投诉' : '为服务评分',
      };
    }
    case 'survey_invitation': {
      const s = surveyOf(kind, data);
      const blocks: Block[] = [{ p: `我们希望了解您对我们服务的看法：“${s.title}”。` }];
      if (s.intro) blocks.push({ p: s.intro });
      blocks.push({ p: `填写只需几分钟${s.closesAt ? `，调查将于 ${date(s.closesAt)} 截止` : ''}。` });
      return { subject: `邀请您参与调查：${s.title}`, blocks, cta: '开始填写' };
    }
    case 'survey_reminder': {
      const s = surveyOf(kind, data);
      return {
        subject: `提醒：调查“${s.title}”即将截止`,
        blocks: [
          { p: `您尚未完成调查“${s.title}”${s.closesAt ? `，调查将于 ${date(s.closesAt)} 截止` : ''}。` },
          { p: '您之前填写的答案已为您保存。' },
        ],
        cta: '继续填写',
      };
    }
  }
}

const COMMON: Record<Language, { greeting: (name: string | null) => string; colon: string; fallback: string; personal: (until: string) => string; noReply: string }> = {
  en: {
    greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
    colon: ':',
    fallback: 'If the button does not work, copy this address into your browser:',
    personal: (until) => `This link is personal: please do not forward it. It works until ${until}.`,
    noReply: 'This message was sent automatically; replies to it are not read. Please use your link to write to us.',
  },
  'zh-CN': {
    greeting: (name) => (name ? `${name}，您好：` : '您好：'),
    colon: '：',
    fallback: '如果按钮无法使用，请将以下地址复制到浏览器中打开：',
    personal: (until) => `此链接仅供您本人使用，请勿转发。链接有效期至 ${until}。`,
    noReply: '这是一封系统自动发送的邮件，回复此邮件将无人阅读。请通过您的专属链接与我们联系。',
  },
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const multiline = (s: string) => escapeHtml(s).replace(/\r?\n/g, '<br>');

/** Only http(s) links become a call to action (a link is built by the server, but the template does not trust it). */
function safeUrl(url: string): string {
  if (!/^https?:\/\//i.test(url)) throw new Error('the customer link must be an http(s) URL');
  return url;
}

const FONT = "-apple-system,'Segoe UI',Roboto,'PingFang SC','Microsoft YaHei',Helvetica,Arial,sans-serif";

function renderText(parts: Parts, greeting: string, common: (typeof COMMON)[Language], url: string, until: string): string {
  const lines: string[] = [greeting, ''];
  for (const b of parts.blocks) {
    if ('p' in b) lines.push(b.p, '');
    else lines.push(b.label, ...b.quote.split(/\r?\n/).map((l) => `  ${l}`), '');
  }
  lines.push(`${parts.cta}${common.colon}`, url, '', '-- ', common.personal(until), common.noReply, '');
  return lines.join('\n');
}

function renderHtml(language: Language, parts: Parts, greeting: string, common: (typeof COMMON)[Language], url: string, until: string): string {
  const href = escapeHtml(url);
  const p = (html: string, style = '') => `<p style="margin:0 0 16px;${style}">${html}</p>`;
  const body = parts.blocks
    .map((b) =>
      'p' in b
        ? p(escapeHtml(b.p))
        : `${p(escapeHtml(b.label), 'font-weight:bold;margin-bottom:4px;')}<blockquote style="margin:0 0 16px;padding:8px 12px;border-left:4px solid #cbd2d9;background:#f5f7fa;color:#323f4b;">${multiline(b.quote)}</blockquote>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(parts.subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f4f5f7;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f5f7;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:560px;background:#ffffff;border-radius:6px;font-family:${FONT};font-size:16px;line-height:1.5;color:#1f2933;">
<tr><td style="padding:24px;">
${p(escapeHtml(greeting))}
${body}
<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 24px;">
<tr><td style="border-radius:4px;background:#1d4ed8;"><a href="${href}" style="display:inline-block;padding:12px 24px;font-family:${FONT};font-size:16px;font-weight:bold;color:#ffffff;text-decoration:none;">${escapeHtml(parts.cta)}</a></td></tr>
</table>
${p(`${escapeHtml(common.fallback)}<br><a href="${href}" style="color:#1d4ed8;word-break:break-all;">${href}</a>`, 'font-size:13px;color:#52606d;')}
<hr style="border:none;border-top:1px solid #e4e7eb;margin:24px 0 16px;">
${p(escapeHtml(common.personal(until)), 'font-size:13px;color:#52606d;')}
${p(escapeHtml(common.noReply), 'font-size:13px;color:#52606d;margin-bottom:0;')}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}

/**
 * The message of `kind` in `language`: subject, plain text and HTML. Throws
 * when the data the kind needs is missing (a complaint message without
 * complaint data is a bug, not something to send half-written).
 */
export function renderCustomerMessage(kind: CustomerMessageKind, language: Language, data: CustomerMessageData): RenderedMessage {
  const url = safeUrl(data.link.url);
  const parts = language === 'zh-CN' ? chinese(kind, data) : english(kind, data);
  const common = COMMON[language];
  const greeting = common.greeting(data.name?.trim() || null);
  const until = formatDate(data.link.expiresAt, language, data.timeZone);
  return {
    // A title typed with a line break must not break the header.
    subject: parts.subject.replace(/\s*[\r\n]+\s*/g, ' '),
    text: renderText(parts, greeting, common, url, until),
    html: renderHtml(language, parts, greeting, common, url, until),
  };
}
