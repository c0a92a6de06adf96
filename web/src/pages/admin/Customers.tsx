/**
 * Customer contacts (admin, `customer.manage`): look a customer id up
 * (GET /customers/:id; the id in the URL), see the stored contact, and erase
 * it on the customer's request after a confirmation (POST
 * /customers/:id/erase): name and email are set to null, unsent emails to
 * them are cancelled, and the erasure is audited without personal data. The
 * audit chains stay intact because their events only ever named the id.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api, newIdempotencyKey } from '../../api';
import { Loading, ProblemView } from '../../components/States';
import { formatDateTime } from '../../format';
import type { CustomerContactView, ErasureView } from '../surveys/types';

export default function Customers() {
  const { t } = useTranslation('admin');
  const [params, setParams] = useSearchParams();
  const customerId = params.get('id') ?? '';
  const [typed, setTyped] = useState(customerId);
  const lookup = (e: FormEvent) => {
    e.preventDefault();
    const id = typed.trim();
    setParams(id ? new URLSearchParams({ id }) : new URLSearchParams());
  };
  return (
    <div className="admin">
      <h1>{t('customers.title')}</h1>
      <p className="admin-note">{t('customers.intro')}</p>
      <form className="form-row" onSubmit={lookup} role="search" aria-label={t('customers.lookup')}>
        <label htmlFor="customer-lookup-id">
          {t('customers.customerId')}
          <input id="customer-lookup-id" value={typed} onChange={(e) => setTyped(e.target.value)} data-testid="customer-lookup-id" />
        </label>
        <button type="submit" data-testid="customer-lookup">
          {t('customers.lookup')}
        </button>
      </form>
      {customerId && <CustomerContact key={customerId} customerId={customerId} />}
    </div>
  );
}

function CustomerContact({ customerId }: { customerId: string }) {
  const { t } = useTranslation('admin');
  const qc = useQueryClient();
  const path = `/customers/${encodeURIComponent(customerId)}`;
  const contact = useQuery({ queryKey: ['customers', customerId], queryFn: ({ signal }) => api.get<CustomerContactView>(path, { signal }) });
  const dialog = useRef<HTMLDialogElement>(null);
  const key = useRef('');
  const erase = useMutation({
    mutationFn: () => api.post<ErasureView>(`${path}/erase`, {}, { idempotencyKey: key.current }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['customers', customerId] }),
    onSettled: () => dialog.current?.close(),
  });

  if (contact.isPending) return <Loading />;
  if (contact.error) return <ProblemView error={contact.error} />;
  const c = contact.data;
  const erased = c.erasedAt !== null;
  return (
    <section className="panel" aria-labelledby="customer-contact-h" data-testid="customer-contact-view" data-erased={erased}>
      <h2 id="customer-contact-h">{t('customers.contactOf', { id: c.customerId })}</h2>
      <dl className="admin-dl">
        <dt>{t('customers.name')}</dt>
        <dd data-testid="customer-contact-name">{c.name ?? '—'}</dd>
        <dt>{t('customers.email')}</dt>
        <dd data-testid="customer-contact-email">{c.email ?? '—'}</dd>
        <dt>{t('customers.language')}</dt>
        <dd>{c.language}</dd>
        <dt>{t('customers.erasedAt')}</dt>
        <dd data-testid="customer-contact-erased-at">{erased ? formatDateTime(c.erasedAt) : t('customers.notErased')}</dd>
      </dl>
      {erase.data && (
        <p role="status" className="audit-ok" data-testid="customer-erase-result" data-cancelled={erase.data.cancelledMessages}>
          {t('customers.erased', { at: formatDateTime(erase.data.erasedAt), count: erase.data.cancelledMessages })}
        </p>
      )}
      {!erased && (
        <button type="button" onClick={() => dialog.current?.showModal()} data-testid="customer-erase">
          {t('customers.erase')}
        </button>
      )}
      {erase.error ? <ProblemView error={erase.error} /> : null}
      <dialog ref={dialog} aria-labelledby="customer-erase-h" aria-describedby="customer-erase-text" data-testid="customer-erase-dialog">
        <h3 id="customer-erase-h">{t('customers.confirmTitle', { id: c.customerId })}</h3>
        <p id="customer-erase-text">{t('customers.confirmText')}</p>
        <div className="form-row">
          <button
            type="button"
            disabled={erase.isPending}
            onClick={() => {
              if (erase.isPending) return;
              key.current = newIdempotencyKey();
              erase.mutate();
            }}
            data-testid="customer-erase-confirm"
          >
            {t('customers.confirmErase')}
          </button>
          <button type="button" className="secondary" onClick={() => dialog.current?.close()} autoFocus>
            {t('common:action.cancel')}
          </button>
        </div>
      </dialog>
    </section>
  );
}
