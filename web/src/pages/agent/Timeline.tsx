/**
 * The complaint's timeline: its audit trail (GET /complaints/:id/history,
 * business events only; the Temporal events are the auditor's screen) and its
 * SLA timeline (GET /complaints/:id/sla-timeline: started, paused, warned,
 * breached...) merged in time order; at the same instant the audit event
 * that caused an SLA entry comes first.
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, query } from '../../api';
import { Empty, Loading, ProblemView } from '../../components/States';
import { formatDateTime } from '../../format';
import type { HistoryView, SlaTimelineView } from './types';

/** Pages of the merged history read at most (1,000 items each): enough for any complaint's audit trail. */
const MAX_HISTORY_PAGES = 5;

type AuditItem = Extract<HistoryView['timeline'][number], { source: 'audit' }>;

interface Item {
  key: string;
  at: string;
  source: 'audit' | 'sla';
  title: string;
  who?: string;
  detail?: string;
}

async function loadAudit(id: string, signal: AbortSignal): Promise<AuditItem[]> {
  const out: AuditItem[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_HISTORY_PAGES; i++) {
    const page = await api.get<HistoryView>(`/complaints/${encodeURIComponent(id)}/history${query({ limit: 1000, cursor })}`, { signal });
    for (const item of page.timeline) if (item.source === 'audit') out.push(item);
    cursor = page.page.nextCursor ?? undefined;
    if (!cursor) break;
  }
  return out;
}

/** The plain facts of an event's details, short ("to: bob · reason: carrier"). */
function summarise(details: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(details)) {
    if (v === null || v === undefined || typeof v === 'object') continue;
    const text = String(v);
    parts.push(`${k}: ${text.length > 80 ? `${text.slice(0, 79)}…` : text}`);
  }
  return parts.join(' · ');
}

export function Timeline({ complaintId, version }: { complaintId: string; version: number }) {
  const { t } = useTranslation('agent');
  // Keyed by the complaint's version: a new transition reads both again.
  const audit = useQuery({ queryKey: ['complaint', complaintId, 'history', version], queryFn: ({ signal }) => loadAudit(complaintId, signal) });
  const sla = useQuery({
    queryKey: ['complaint', complaintId, 'sla-timeline', version],
    queryFn: ({ signal }) => api.get<SlaTimelineView>(`/complaints/${encodeURIComponent(complaintId)}/sla-timeline`, { signal }),
  });
  if (audit.isPending || sla.isPending) return <Loading />;
  if (audit.error) return <ProblemView error={audit.error} />;

  const items: Item[] = audit.data.map((e) => ({
    key: `a${e.seq}`,
    at: e.at,
    source: 'audit',
    title: t(`event.${e.action}`, { defaultValue: e.action }),
    who: `${e.actor.id} (${e.actor.role})`,
    detail: summarise(e.details),
  }));
  for (const c of sla.data?.clocks ?? []) {
    const clock = t(`clock.${c.clock}`) + (c.clock === 'next_response' ? ` #${c.cycle}` : '');
    c.entries.forEach((e, i) => items.push({ key: `s${c.clock}${c.cycle}-${i}`, at: e.at, source: 'sla', title: `${clock}: ${t(`slaEntry.${e.kind}`, { defaultValue: e.kind })}`, detail: e.reason }));
  }
  items.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.source === b.source ? 0 : a.source === 'audit' ? -1 : 1));

  return (
    <>
      {sla.error && <ProblemView error={sla.error} title={t('timeline.slaFailed')} />}
      {items.length === 0 ? (
        <Empty />
      ) : (
        <ol className="complaint-timeline" data-testid="complaint-timeline">
          {items.map((it) => (
            <li key={it.key} className={`complaint-timeline-${it.source}`} data-testid={`timeline-${it.source}`}>
              <time dateTime={it.at}>{formatDateTime(it.at)}</time> <span className="badge muted">{t(`timeline.${it.source}`)}</span> <strong>{it.title}</strong>
              {it.who && <span> · {it.who}</span>}
              {it.detail && <div className="complaint-timeline-detail">{it.detail}</div>}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
