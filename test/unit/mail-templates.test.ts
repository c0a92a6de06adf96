/**
 * Customer email templates (src/mail/templates.ts): every kind in every
 * language renders a subject, a text and an HTML body around the customer's
 * link; interpolated values are escaped in HTML; dates are shown in the
 * complaint's zone; nothing tracks the reader.
 */
import { CUSTOMER_MESSAGE_KINDS, type CustomerMessageKind, LANGUAGES } from '../../src/domain/customer';
import { type CustomerMessageData, escapeHtml, renderCustomerMessage } from '../../src/mail/templates';

const URL_WITH_QUERY = 'https://support.example.test/app/customer?x=1&y=2#v1.eyJsIjoibG5rIn0.c2ln';
const DEC_1_2026_MIDNIGHT_UTC = Date.UTC(2026, 11, 1, 0, 0);

function dataFor(kind: CustomerMessageKind, over: Partial<CustomerMessageData> = {}): CustomerMessageData {
  const base: CustomerMessageData = { name: 'Ada', link: { url: URL_WITH_QUERY, expiresAt: DEC_1_2026_MIDNIGHT_UTC }, timeZone: 'UTC' };
  if (kind === 'survey_invitation' || kind === 'survey_reminder') {
    base.survey = { title: 'Service check 2026', intro: 'Five minutes, please.', closesAt: DEC_1_2026_MIDNIGHT_UTC };
  } else {
    base.complaint = {
      complaintId: 'c_0123',
      status: kind === 'resolved' ? 'resolved' : kind === 'closed' ? 'closed' : 'open',
      category: 'billing',
      resolutionSummary: 'Refunded the second charge',
      message: 'Which card was charged?',
      confirmBy: DEC_1_2026_MIDNIGHT_UTC,
      reopenBy: DEC_1_2026_MIDNIGHT_UTC + 4 * 86_400_000,
      rated: false,
    };
  }
  return { ...base, ...over };
}

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('renderCustomerMessage', () => {
  const cases = CUSTOMER_MESSAGE_KINDS.flatMap((kind) => LANGUAGES.map((language) => [kind, language] as const));

  it.each(cases)('given a %s message in %s, when rendered, then subject, text and HTML exist and the link is the call to action in both bodies', (kind, language) => {
    const m = renderCustomerMessage(kind, language, dataFor(kind));
    expect(m.subject.trim().length).toBeGreaterThan(0);
    expect(m.subject).not.toMatch(/[\r\n]/);
    // Text: the link on a line of its own, untouched.
    expect(m.text.split('\n')).toContain(URL_WITH_QUERY);
    // HTML: the button and the copy-paste fallback both point at the link, attribute-escaped.
    expect(count(m.html, `href="${URL_WITH_QUERY.replace(/&/g, '&amp;')}"`)).toBe(2);
    expect(m.html).toContain(`<html lang="${language}">`);
  });

  it.each(cases)('given a %s message in %s, when rendered, then the HTML has no image, script or external resource (no tracking pixel)', (kind, language) => {
    const { html } = renderCustomerMessage(kind, language, dataFor(kind));
    expect(html).not.toMatch(/<img|<script|<link|<iframe|url\(|background-image|src=/i);
  });

  it('given values with markup and quotes, when rendered, then the HTML shows them escaped and the text shows them as written', () => {
    const evil = `<script>alert("x")</script> & 'co'`;
    const data = dataFor('resolved', { name: evil });
    data.complaint = { ...data.complaint!, category: evil, resolutionSummary: evil };
    const m = renderCustomerMessage('resolved', 'en', data);
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;');
    expect(m.text).toContain(`Hello ${evil},`);
    expect(m.text).toContain(`  ${evil}`);
  });

  it('given escapeHtml, when given each special character, then it returns its entity', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('given a zh-CN registered message, when rendered, then it is written in Chinese with the complaint reference and status', () => {
    const m = renderCustomerMessage('registered', 'zh-CN', dataFor('registered'));
    expect(m.subject).toBe('我们已收到您的投诉（编号 c_0123）');
    expect(m.text).toContain('Ada，您好：');
    expect(m.text).toContain('当前状态：已登记');
    expect(m.text).toContain('查看投诉：');
    expect(m.text).not.toMatch(/Hello|complaint|link/);
  });

  it('given an en registered message, when rendered, then it is written in English with the complaint reference and status', () => {
    const m = renderCustomerMessage('registered', 'en', dataFor('registered'));
    expect(m.subject).toBe('We have received your complaint c_0123');
    expect(m.text).toContain('Hello Ada,');
    expect(m.text).toContain('its status: registered');
    expect(m.text).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('given no name, when rendered, then the greeting is neutral', () => {
    expect(renderCustomerMessage('acknowledged', 'en', dataFor('acknowledged', { name: null })).text.startsWith('Hello,\n')).toBe(true);
    expect(renderCustomerMessage('acknowledged', 'zh-CN', dataFor('acknowledged', { name: '  ' })).text.startsWith('您好：\n')).toBe(true);
  });

  it('given a resolved message for a complaint in Asia/Shanghai, when rendered, then the confirm-by date is shown in that zone (UTC+8) in the customer language', () => {
    // 2026-12-01T00:00Z is 08:00 on 1 December in Shanghai (UTC+8, no daylight saving).
    const en = renderCustomerMessage('resolved', 'en', dataFor('resolved', { timeZone: 'Asia/Shanghai' }));
    expect(en.text).toContain('by December 1, 2026 at 08:00 GMT+8');
    const zh = renderCustomerMessage('resolved', 'zh-CN', dataFor('resolved', { timeZone: 'Asia/Shanghai' }));
    expect(zh.text).toContain('在 2026年12月1日 GMT+8 08:00 之前确认处理结果');
    // Reopen window: four days later.
    expect(en.text).toContain('until December 5, 2026 at 08:00 GMT+8');
  });

  it('given an unknown time zone, when rendered, then dates fall back to UTC instead of failing', () => {
    const m = renderCustomerMessage('resolved', 'en', dataFor('resolved', { timeZone: 'Mars/Olympus_Mons' }));
    expect(m.text).toContain('by December 1, 2026 at 00:00 UTC');
  });

  it('given an information request with a multi-line question, when rendered, then the HTML keeps the line breaks and the text quotes each line', () => {
    const data = dataFor('info_requested');
    data.complaint = { ...data.complaint!, message: 'Which card?\nLast four digits, please.' };
    const m = renderCustomerMessage('info_requested', 'en', data);
    expect(m.html).toContain('Which card?<br>Last four digits, please.');
    expect(m.text).toContain('  Which card?\n  Last four digits, please.');
  });

  it('given a closed complaint, when it is not rated yet, then the call to action invites a rating, and when rated, to view it', () => {
    const notRated = renderCustomerMessage('closed', 'en', dataFor('closed'));
    const rated = dataFor('closed');
    rated.complaint = { ...rated.complaint!, rated: true };
    expect(notRated.text).toContain('Rate our service:');
    expect(renderCustomerMessage('closed', 'en', rated).text).toContain('View your complaint:');
  });

  it('given a survey invitation, when rendered, then it names the survey, shows its intro and closing date', () => {
    const m = renderCustomerMessage('survey_invitation', 'en', dataFor('survey_invitation'));
    expect(m.subject).toBe('Your opinion, please: Service check 2026');
    expect(m.text).toContain('Five minutes, please.');
    expect(m.text).toContain('open until December 1, 2026 at 00:00 UTC');
  });

  it('given a survey title with a line break, when rendered, then the subject stays on one line', () => {
    const data = dataFor('survey_reminder');
    data.survey = { ...data.survey!, title: 'Service\r\ncheck' };
    expect(renderCustomerMessage('survey_reminder', 'en', data).subject).toBe('Reminder: Service check');
  });

  it('given a link that is not http(s), when rendered, then it throws instead of making it the call to action', () => {
    expect(() => renderCustomerMessage('registered', 'en', dataFor('registered', { link: { url: 'javascript:alert(1)', expiresAt: 0 } }))).toThrow(/http/);
  });

  it('given a complaint message without complaint data, when rendered, then it throws rather than send half a message', () => {
    expect(() => renderCustomerMessage('resolved', 'en', { name: null, link: { url: URL_WITH_QUERY, expiresAt: 0 } })).toThrow(/complaint data/);
    expect(() => renderCustomerMessage('survey_reminder', 'en', { name: null, link: { url: URL_WITH_QUERY, expiresAt: 0 } })).toThrow(/survey data/);
  });

  it('given the link expiry, when rendered, then the footer says until when the personal link works', () => {
    const m = renderCustomerMessage('acknowledged', 'en', dataFor('acknowledged'));
    expect(m.text).toContain('This link is personal: please do not forward it. It works until December 1, 2026 at 00:00 UTC.');
  });
});
