/**
 * The team queue: open complaints (GET /complaints?active=true, by next SLA
 * due time, cursor pages) with a reassign form per row. The form is offered
 * from the complaint's own view: opening "Reassign" reads GET /complaints/:id
 * (one complaint, its `actions` judged by the API) and shows the transfer form
 * only when `transfer` is listed; otherwise it says so and links to the
 * complaint. Loading every row's view up front would run the reducer per row.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError, api, newIdempotencyKey, query } from '../../api';
import { Empty, FieldErrors, Loading, ProblemView } from '../../components/States';
import { formatDateTime } from '../../format';
import type { ComplaintDetail, ComplaintList, ComplaintView } from './types';

const PAGE = 20;

export function TeamQueue() {
  const { t } = useTranslation('dashboard');
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const [open, setOpen] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['complaints', 'team-queue', cursor ?? null],
    queryFn: () => api.get<ComplaintList>(`/complaints${query({ active: true, limit: PAGE, cursor })}`),
    refetchInterval: 15_000,
  });
  const owners = [...new Set((list.data?.items ?? []).map((c) => c.ownerId).filter((o): o is string => !!o))].sort();

  return (
    <section aria-labelledby="dash-team">
      <h2 id="dash-team">{t('team.title')}</h2>
      <p className="dash-note">{t('team.note')}</p>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <ProblemView error={list.error} />
      ) : list.data.items.length === 0 ? (
        <Empty>{t('team.empty')}</Empty>
      ) : (
        <>
          <datalist id="dash-known-agents">
            {owners.map((o) => (
              <option key={o} value={o} />
            ))}
          </datalist>
          <table data-testid="dash-team-table">
            <caption className="visually-hidden">{t('team.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('team.complaint')}</th>
                <th scope="col">{t('team.status')}</th>
                <th scope="col">{t('team.severity')}</th>
                <th scope="col">{t('team.category')}</th>
                <th scope="col">{t('team.queue')}</th>
                <th scope="col">{t('team.owner')}</th>
                <th scope="col">{t('team.nextDue')}</th>
                <th scope="col">{t('team.reassign')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((c) => (
                <TeamRow key={c.id} complaint={c} open={open === c.id} onToggle={() => setOpen(open === c.id ? null : c.id)} />
              ))}
            </tbody>
          </table>
          <div className="form-row">
            <button type="button" className="secondary" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
              {t('common:action.previous')}
            </button>
            <button type="button" className="secondary" disabled={!list.data.nextCursor} onClick={() => list.data.nextCursor && setCursors([...cursors, list.data.nextCursor])}>
              {t('common:action.next')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

function TeamRow({ complaint: c, open, onToggle }: { complaint: ComplaintView; open: boolean; onToggle: () => void }) {
  const { t } = useTranslation('dashboard');
  const panelId = useId();
  return (
    <>
      <tr data-testid={`dash-team-row-${c.id}`}>
        <td>
          <Link to={`/complaints/${encodeURIComponent(c.id)}`}>{c.id}</Link>
        </td>
        <td>{t(`status.${c.status}`, { defaultValue: c.status })}</td>
        <td>{c.severity}</td>
        <td>{c.category}</td>
        <td>{c.queue ?? 'general'}</td>
        <td data-testid={`dash-team-owner-${c.id}`}>{c.ownerId ?? t('team.unowned')}</td>
        <td>
          {formatDateTime(c.sla?.nextDueAt)}
          {c.sla?.breached && <span className="badge bad"> {t('team.breached')}</span>}
          {!c.sla?.breached && c.sla?.atRisk && <span className="badge warn"> {t('team.atRisk')}</span>}
        </td>
        <td>
          <button type="button" className="secondary" aria-expanded={open} aria-controls={panelId} onClick={onToggle} data-testid={`dash-reassign-${c.id}`}>
            {t('team.reassign')}
            <span className="visually-hidden"> {c.id}</span>
          </button>
        </td>
      </tr>
      {open && (
        <tr id={panelId}>
          <td colSpan={8}>
            <TransferPanel complaintId={c.id} />
          </td>
        </tr>
      )}
    </>
  );
}

/** Reads the complaint's view and offers the transfer only when the API lists it among the caller's actions. */
function TransferPanel({ complaintId }: { complaintId: string }) {
  const { t } = useTranslation('dashboard');
  const qc = useQueryClient();
  const id = useId();
  const view = useQuery({ queryKey: ['complaint', complaintId], queryFn: () => api.get<ComplaintDetail>(`/complaints/${encodeURIComponent(complaintId)}`) });
  const [toAgentId, setToAgentId] = useState('');
  const [reason, setReason] = useState('');
  const [key, setKey] = useState(newIdempotencyKey);
  const transfer = view.data?.availableActions.find((a) => a.name === 'transfer');
  const mutation = useMutation({
    mutationFn: (body: { toAgentId: string; reason: string }) => api.post<ComplaintDetail>(transfer!.path, body, { idempotencyKey: key }),
    onSuccess: (detail) => {
      qc.setQueryData(['complaint', complaintId], detail);
      void qc.invalidateQueries({ queryKey: ['complaints'] });
      setReason('');
    },
    // A double click shares the key (applied once); the next submission, after an answer, gets a new one.
    onSettled: () => setKey(newIdempotencyKey()),
  });
  if (view.isPending) return <Loading />;
  if (view.error) return <ProblemView error={view.error} />;
  if (!transfer) {
    return (
      <p data-testid={`dash-transfer-unavailable-${complaintId}`}>
        {t('team.transferUnavailable')} <Link to={`/complaints/${encodeURIComponent(complaintId)}`}>{t('team.openComplaint', { id: complaintId })}</Link>
      </p>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate({ toAgentId: toAgentId.trim(), reason: reason.trim() });
  };
  const err = mutation.error;
  return (
    <form onSubmit={submit} className="form-row" aria-label={t('team.transferForm', { id: complaintId })} data-testid={`dash-transfer-form-${complaintId}`}>
      <label htmlFor={`${id}-to`}>
        {t('team.toAgent')}
        <input
          id={`${id}-to`}
          list="dash-known-agents"
          value={toAgentId}
          onChange={(e) => setToAgentId(e.target.value)}
          aria-describedby={`${id}-to-err`}
          aria-invalid={err instanceof ApiError && err.fieldErrors('toAgentId').length > 0}
          data-testid="dash-transfer-to"
        />
        <FieldErrors error={err} field="toAgentId" id={`${id}-to-err`} />
      </label>
      <label htmlFor={`${id}-reason`}>
        {t('team.reason')}
        <input id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} aria-describedby={`${id}-reason-err`} data-testid="dash-transfer-reason" />
        <FieldErrors error={err} field="reason" id={`${id}-reason-err`} />
      </label>
      <button type="submit" disabled={mutation.isPending} data-testid="dash-transfer-submit">
        {mutation.isPending ? t('team.transferring') : t('team.transfer')}
      </button>
      {mutation.isSuccess && (
        <p role="status" data-testid="dash-transfer-done">
          {t('team.transferred', { id: complaintId, owner: mutation.data.ownerId ?? '—' })}
        </p>
      )}
      {err ? <ProblemView error={err} /> : null}
    </form>
  );
}
