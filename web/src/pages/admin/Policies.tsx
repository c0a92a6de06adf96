/**
 * SLA policies and business calendars with their versions: the latest of
 * each (GET /sla-policies, /calendars), any version of one (GET
 * /sla-policies/:id?version=n: versions run 1..latest and stay readable), and
 * edit = save a new version from the one shown (PUT with expectedVersion =
 * the latest, so a concurrent save is a 409, not an overwrite). Running
 * complaints keep the version they started with. Selection in the URL.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { WEEKDAYS, type Weekday } from '../../../../src/domain/calendar';
import { scopeOf } from '../../../../src/domain/permissions';
import { CHANNELS, ESCALATION_ACTIONS, SEVERITIES } from '../../../../src/domain/sla-policy';
import { ApiError, api, newIdempotencyKey } from '../../api';
import { Empty, FieldErrors, Loading, ProblemView } from '../../components/States';
import { formatDateTime, formatMinutes } from '../../format';
import { useUser } from '../../session';
import type { CalendarVersionView, PolicyVersionView } from './types';
import { splitList } from './Users';

type Kind = 'policy' | 'calendar';
const BASE: Record<Kind, string> = { policy: '/sla-policies', calendar: '/calendars' };

const idOf = (kind: Kind, v: PolicyVersionView | CalendarVersionView) => (kind === 'policy' ? (v as PolicyVersionView).policyId : (v as CalendarVersionView).id);

export default function Policies() {
  const { t } = useTranslation('admin');
  const [params, setParams] = useSearchParams();
  const policies = useQuery({ queryKey: ['catalog', 'policy'], queryFn: () => api.get<{ items: PolicyVersionView[] }>('/sla-policies') });
  const calendars = useQuery({ queryKey: ['catalog', 'calendar'], queryFn: () => api.get<{ items: CalendarVersionView[] }>('/calendars') });
  const select = (kind: Kind, id: string) => {
    const next = new URLSearchParams();
    next.set(kind, id);
    setParams(next);
  };
  const selected: { kind: Kind; id: string } | null = params.get('policy') ? { kind: 'policy', id: params.get('policy')! } : params.get('calendar') ? { kind: 'calendar', id: params.get('calendar')! } : null;

  const list = (kind: Kind, q: typeof policies | typeof calendars) => (
    <section aria-labelledby={`admin-${kind}-list`}>
      <h2 id={`admin-${kind}-list`}>{t(`policies.${kind}List`)}</h2>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ProblemView error={q.error} />
      ) : q.data.items.length === 0 ? (
        <Empty />
      ) : (
        <table data-testid={`admin-${kind}-table`}>
          <caption className="visually-hidden">{t(`policies.${kind}List`)}</caption>
          <thead>
            <tr>
              <th scope="col">{t('policies.id')}</th>
              <th scope="col">{t('policies.name')}</th>
              <th scope="col">{t('policies.latestVersion')}</th>
              <th scope="col">{t('policies.savedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {[...q.data.items]
              .sort((a, b) => idOf(kind, a).localeCompare(idOf(kind, b)))
              .map((v) => {
                const id = idOf(kind, v);
                const current = selected?.kind === kind && selected.id === id;
                return (
                  <tr key={id} data-testid={`admin-${kind}-${id}`}>
                    <td>
                      <a
                        href={`?${kind}=${encodeURIComponent(id)}`}
                        aria-current={current ? 'true' : undefined}
                        onClick={(e) => {
                          e.preventDefault();
                          select(kind, id);
                        }}
                      >
                        {id}
                      </a>
                    </td>
                    <td>{v.name}</td>
                    <td data-testid={`admin-${kind}-latest-${id}`}>{v.version}</td>
                    <td>
                      {formatDateTime(v.createdAt)} · {v.createdBy}
                    </td>
                  </tr>
                );
              })}
          </tbody>
        </table>
      )}
    </section>
  );

  return (
    <div className="admin">
      <h1>{t('policies.title')}</h1>
      <p className="admin-note">{t('policies.intro')}</p>
      <div className="grid">
        {list('policy', policies)}
        {list('calendar', calendars)}
      </div>
      {selected && <VersionedItem key={`${selected.kind}:${selected.id}`} kind={selected.kind} id={selected.id} calendars={calendars.data?.items ?? []} />}
    </div>
  );
}

function VersionedItem({ kind, id, calendars }: { kind: Kind; id: string; calendars: CalendarVersionView[] }) {
  const { t } = useTranslation('admin');
  const user = useUser();
  const canEdit = scopeOf(user.role, 'catalog.write') !== null;
  const [params, setParams] = useSearchParams();
  const url = `${BASE[kind]}/${encodeURIComponent(id)}`;
  const latest = useQuery({ queryKey: ['catalog', kind, id, 'latest'], queryFn: () => api.get<PolicyVersionView | CalendarVersionView>(url) });
  const wanted = Number(params.get('v')) || undefined;
  const shownVersion = wanted ?? latest.data?.version;
  const shown = useQuery({
    queryKey: ['catalog', kind, id, shownVersion],
    queryFn: () => api.get<PolicyVersionView | CalendarVersionView>(`${url}?version=${shownVersion}`),
    enabled: shownVersion !== undefined,
  });
  const [editing, setEditing] = useState(false);
  const headingId = useId();

  if (latest.isPending) return <Loading />;
  if (latest.error) return <ProblemView error={latest.error} />;
  const versions = Array.from({ length: latest.data.version }, (_, i) => latest.data.version - i);
  return (
    <section className="panel" aria-labelledby={headingId} data-testid="admin-versioned">
      <h2 id={headingId}>{t(`policies.${kind}Title`, { id, name: latest.data.name })}</h2>
      <label>
        {t('policies.version')}
        <select
          value={shownVersion}
          data-testid="admin-version-select"
          onChange={(e) => {
            const next = new URLSearchParams(params);
            next.set('v', e.target.value);
            setParams(next, { replace: true });
            setEditing(false);
          }}
        >
          {versions.map((v) => (
            <option key={v} value={v}>
              {v === latest.data.version ? t('policies.versionLatest', { v }) : t('policies.versionN', { v })}
            </option>
          ))}
        </select>
      </label>
      {shown.isPending ? (
        <Loading />
      ) : shown.error ? (
        <ProblemView error={shown.error} />
      ) : (
        <>
          <p data-testid="admin-version-meta">
            {t('policies.savedBy', { v: shown.data.version, at: formatDateTime(shown.data.createdAt), by: shown.data.createdBy })}
          </p>
          {kind === 'policy' ? <PolicyDetails p={shown.data as PolicyVersionView} /> : <CalendarDetails c={shown.data as CalendarVersionView} />}
          {canEdit && !editing && (
            <button type="button" onClick={() => setEditing(true)} data-testid="admin-edit-version">
              {t('policies.editFrom', { v: shown.data.version })}
            </button>
          )}
          {canEdit &&
            editing &&
            (kind === 'policy' ? (
              <PolicyForm
                from={shown.data as PolicyVersionView}
                expectedVersion={latest.data.version}
                calendars={calendars}
                onDone={(v) => {
                  setEditing(false);
                  setParams(new URLSearchParams({ [kind]: id, v: String(v) }), { replace: true });
                }}
                onCancel={() => setEditing(false)}
              />
            ) : (
              <CalendarForm
                from={shown.data as CalendarVersionView}
                expectedVersion={latest.data.version}
                onDone={(v) => {
                  setEditing(false);
                  setParams(new URLSearchParams({ [kind]: id, v: String(v) }), { replace: true });
                }}
                onCancel={() => setEditing(false)}
              />
            ))}
        </>
      )}
    </section>
  );
}

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </>
  );
}

function PolicyDetails({ p }: { p: PolicyVersionView }) {
  const { t } = useTranslation('admin');
  return (
    <dl className="admin-dl" data-testid="admin-policy-details">
      <Row label={t('policies.name')}>{p.name}</Row>
      <Row label={t('policies.severities')}>{p.match.severities.join(', ')}</Row>
      <Row label={t('policies.categories')}>{p.match.categories?.join(', ') || t('policies.any')}</Row>
      <Row label={t('policies.channels')}>{p.match.channels?.join(', ') || t('policies.any')}</Row>
      <Row label={t('policies.firstResponseMinutes')} testId="admin-policy-firstResponseMinutes">
        {p.targets.firstResponseMinutes} min ({formatMinutes(p.targets.firstResponseMinutes)})
      </Row>
      <Row label={t('policies.nextResponseMinutes')}>
        {p.targets.nextResponseMinutes} min ({formatMinutes(p.targets.nextResponseMinutes)})
      </Row>
      <Row label={t('policies.resolutionMinutes')}>
        {p.targets.resolutionMinutes} min ({formatMinutes(p.targets.resolutionMinutes)})
      </Row>
      <Row label={t('policies.calendar')}>{p.calendarId}</Row>
      <Row label={t('policies.pause')}>{p.pauseOnAwaitingCustomer ? t('policies.yes') : t('policies.no')}</Row>
      <Row label={t('policies.askNps')} testId="admin-policy-askNps">
        {p.askNps ? t('policies.yes') : t('policies.no')}
      </Row>
      <Row label={t('policies.warnings')}>{p.warningThresholds.map((w) => `${w} %`).join(', ') || '—'}</Row>
      <Row label={t('policies.escalation')}>
        {p.escalation.length === 0 ? (
          '—'
        ) : (
          <ol>
            {p.escalation.map((s, i) => (
              <li key={i}>{t(`policies.step.${s.action}`, { after: formatMinutes(s.afterBreachMinutes), role: s.role ?? '', queue: s.queue ?? '' })}</li>
            ))}
          </ol>
        )}
      </Row>
      <Row label={t('policies.reopenWindow')}>{formatMinutes(p.reopenWindowMinutes)}</Row>
      <Row label={t('policies.confirmationWindow')}>{formatMinutes(p.confirmationWindowMinutes)}</Row>
    </dl>
  );
}

function CalendarDetails({ c }: { c: CalendarVersionView }) {
  const { t } = useTranslation('admin');
  return (
    <dl className="admin-dl" data-testid="admin-calendar-details">
      <Row label={t('policies.name')}>{c.name}</Row>
      <Row label={t('policies.timeZone')}>{c.timeZone}</Row>
      {WEEKDAYS.map((d) => (
        <Row key={d} label={t(`policies.weekday.${d}`)} testId={`admin-calendar-${d}`}>
          {c.weeklyHours[d].map((r) => `${r.start}–${r.end}`).join(', ') || t('policies.closed')}
        </Row>
      ))}
      <Row label={t('policies.holidays')}>{c.holidays.join(', ') || '—'}</Row>
    </dl>
  );
}

/** The save: PUT answers the new version; lists and versions are read again. */
function useSaveVersion(kind: Kind, id: string, onDone: (version: number) => void) {
  const qc = useQueryClient();
  const [key, setKey] = useState(newIdempotencyKey);
  return useMutation({
    mutationFn: (body: Record<string, unknown>) => api.put<{ version: number }>(`${BASE[kind]}/${encodeURIComponent(id)}`, body, { idempotencyKey: key }),
    onSettled: () => setKey(newIdempotencyKey()),
    onSuccess: (saved) => {
      void qc.invalidateQueries({ queryKey: ['catalog', kind] });
      onDone(saved.version);
    },
  });
}

function Field({ label, error, field, children }: { label: string; error: unknown; field: string; children: (id: string, describedBy: string) => ReactNode }) {
  const id = useId();
  return (
    <label htmlFor={id}>
      {label}
      {children(id, `${id}-err`)}
      <FieldErrors error={error} field={field} id={`${id}-err`} />
    </label>
  );
}

function PolicyForm({ from, expectedVersion, calendars, onDone, onCancel }: { from: PolicyVersionView; expectedVersion: number; calendars: CalendarVersionView[]; onDone: (v: number) => void; onCancel: () => void }) {
  const { t } = useTranslation('admin');
  const [f, setF] = useState({
    name: from.name,
    severities: [...from.match.severities] as string[],
    categories: from.match.categories?.join(', ') ?? '',
    channels: [...(from.match.channels ?? [])] as string[],
    firstResponseMinutes: String(from.targets.firstResponseMinutes),
    nextResponseMinutes: String(from.targets.nextResponseMinutes),
    resolutionMinutes: String(from.targets.resolutionMinutes),
    calendarId: from.calendarId,
    pauseOnAwaitingCustomer: from.pauseOnAwaitingCustomer,
    askNps: from.askNps ?? false,
    warningThresholds: from.warningThresholds.join(', '),
    escalation: JSON.stringify(from.escalation, null, 2),
    reopenWindowMinutes: String(from.reopenWindowMinutes),
    confirmationWindowMinutes: String(from.confirmationWindowMinutes),
  });
  const [jsonError, setJsonError] = useState<string | null>(null);
  const save = useSaveVersion('policy', from.policyId, onDone);
  const err = save.error;
  const num = (s: string) => (s.trim() === '' ? s : Number(s));
  const toggle = (list: string[], v: string, on: boolean) => (on ? [...list, v] : list.filter((x) => x !== v));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    let escalation: unknown;
    try {
      escalation = JSON.parse(f.escalation || '[]');
      setJsonError(null);
    } catch (x) {
      setJsonError((x as Error).message);
      return;
    }
    const categories = splitList(f.categories);
    save.mutate({
      expectedVersion,
      name: f.name,
      match: { severities: f.severities, ...(categories.length ? { categories } : {}), ...(f.channels.length ? { channels: f.channels } : {}) },
      targets: { firstResponseMinutes: num(f.firstResponseMinutes), nextResponseMinutes: num(f.nextResponseMinutes), resolutionMinutes: num(f.resolutionMinutes) },
      calendarId: f.calendarId,
      pauseOnAwaitingCustomer: f.pauseOnAwaitingCustomer,
      askNps: f.askNps,
      warningThresholds: splitList(f.warningThresholds).map(Number),
      escalation,
      reopenWindowMinutes: num(f.reopenWindowMinutes),
      confirmationWindowMinutes: num(f.confirmationWindowMinutes),
    });
  };
  const text = (key: keyof typeof f, label: string, type = 'text') => (
    <Field label={label} error={err} field={key}>
      {(id, d) => <input id={id} type={type} value={f[key] as string} onChange={(e) => setF({ ...f, [key]: e.target.value })} aria-describedby={d} data-testid={`admin-policy-input-${key}`} />}
    </Field>
  );

  return (
    <form onSubmit={submit} data-testid="admin-policy-form" aria-label={t('policies.editTitle', { v: expectedVersion + 1 })}>
      <h3>{t('policies.editTitle', { v: expectedVersion + 1 })}</h3>
      <p className="admin-note">{t('policies.editNote', { from: from.version, latest: expectedVersion })}</p>
      <div className="form-row">
        {text('name', t('policies.name'))}
        <Field label={t('policies.calendar')} error={err} field="calendarId">
          {(id, d) => (
            <select id={id} value={f.calendarId} onChange={(e) => setF({ ...f, calendarId: e.target.value })} aria-describedby={d}>
              {[...new Set([f.calendarId, ...calendars.map((c) => c.id)])].map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <fieldset>
        <legend>{t('policies.severities')}</legend>
        {SEVERITIES.map((s) => (
          <label key={s} className="admin-check">
            <input type="checkbox" checked={f.severities.includes(s)} onChange={(e) => setF({ ...f, severities: toggle(f.severities, s, e.target.checked) })} />
            {s}
          </label>
        ))}
        <FieldErrors error={err} field="severities" />
      </fieldset>
      <fieldset>
        <legend>{t('policies.channels')}</legend>
        {CHANNELS.map((c) => (
          <label key={c} className="admin-check">
            <input type="checkbox" checked={f.channels.includes(c)} onChange={(e) => setF({ ...f, channels: toggle(f.channels, c, e.target.checked) })} />
            {c}
          </label>
        ))}
        <p className="admin-note">{t('policies.channelsHint')}</p>
      </fieldset>
      <div className="form-row">
        {text('categories', t('policies.categoriesHint'))}
        {text('firstResponseMinutes', t('policies.firstResponseMinutes'), 'number')}
        {text('nextResponseMinutes', t('policies.nextResponseMinutes'), 'number')}
        {text('resolutionMinutes', t('policies.resolutionMinutes'), 'number')}
        {text('warningThresholds', t('policies.warningsHint'))}
        {text('reopenWindowMinutes', t('policies.reopenWindowMinutes'), 'number')}
        {text('confirmationWindowMinutes', t('policies.confirmationWindowMinutes'), 'number')}
        <label className="admin-check">
          <input type="checkbox" checked={f.pauseOnAwaitingCustomer} onChange={(e) => setF({ ...f, pauseOnAwaitingCustomer: e.target.checked })} />
          {t('policies.pause')}
        </label>
        <label className="admin-check">
          <input type="checkbox" checked={f.askNps} onChange={(e) => setF({ ...f, askNps: e.target.checked })} data-testid="admin-policy-input-askNps" />
          {t('policies.askNps')}
        </label>
      </div>
      <Field label={t('policies.escalationJson', { actions: ESCALATION_ACTIONS.join(', ') })} error={err} field="escalation">
        {(id, d) => <textarea id={id} rows={8} cols={60} value={f.escalation} onChange={(e) => setF({ ...f, escalation: e.target.value })} aria-describedby={d} />}
      </Field>
      {jsonError && (
        <p className="field-error" role="alert">
          {t('policies.badJson', { message: jsonError })}
        </p>
      )}
      <SaveVersion testId="admin-policy-save" pending={save.isPending} nextVersion={expectedVersion + 1} error={err} onCancel={onCancel} />
    </form>
  );
}

const formatRanges = (ranges: { start: string; end: string }[]) => ranges.map((r) => `${r.start}-${r.end}`).join(', ');
/** "09:00-12:30, 13:30-18:00" -> ranges; a piece that is not start-end is sent as it is, for the API to name it. */
const parseRanges = (s: string) =>
  splitList(s.replace(/\s*-\s*/g, '-')).map((piece) => {
    const [start = piece, end = ''] = piece.split('-');
    return { start, end };
  });

function CalendarForm({ from, expectedVersion, onDone, onCancel }: { from: CalendarVersionView; expectedVersion: number; onDone: (v: number) => void; onCancel: () => void }) {
  const { t } = useTranslation('admin');
  const [f, setF] = useState({
    name: from.name,
    timeZone: from.timeZone,
    hours: Object.fromEntries(WEEKDAYS.map((d) => [d, formatRanges(from.weeklyHours[d])])) as Record<Weekday, string>,
    holidays: from.holidays.join('\n'),
  });
  const save = useSaveVersion('calendar', from.id, onDone);
  const err = save.error;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      expectedVersion,
      name: f.name,
      timeZone: f.timeZone,
      weeklyHours: Object.fromEntries(WEEKDAYS.map((d) => [d, parseRanges(f.hours[d])])),
      holidays: splitList(f.holidays),
    });
  };
  return (
    <form onSubmit={submit} data-testid="admin-calendar-form" aria-label={t('policies.editTitle', { v: expectedVersion + 1 })}>
      <h3>{t('policies.editTitle', { v: expectedVersion + 1 })}</h3>
      <p className="admin-note">{t('policies.editNote', { from: from.version, latest: expectedVersion })}</p>
      <div className="form-row">
        <Field label={t('policies.name')} error={err} field="name">
          {(id, d) => <input id={id} value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} aria-describedby={d} />}
        </Field>
        <Field label={t('policies.timeZone')} error={err} field="timeZone">
          {(id, d) => <input id={id} value={f.timeZone} onChange={(e) => setF({ ...f, timeZone: e.target.value })} aria-describedby={d} />}
        </Field>
      </div>
      <fieldset>
        <legend>{t('policies.weeklyHours')}</legend>
        <div className="form-row">
          {WEEKDAYS.map((d) => (
            <Field key={d} label={t(`policies.weekday.${d}`)} error={err} field={d}>
              {(id, desc) => <input id={id} value={f.hours[d]} placeholder="09:00-12:30, 13:30-18:00" onChange={(e) => setF({ ...f, hours: { ...f.hours, [d]: e.target.value } })} aria-describedby={desc} data-testid={`admin-calendar-input-${d}`} />}
            </Field>
          ))}
        </div>
      </fieldset>
      <Field label={t('policies.holidaysHint')} error={err} field="holidays">
        {(id, d) => <textarea id={id} rows={4} value={f.holidays} onChange={(e) => setF({ ...f, holidays: e.target.value })} aria-describedby={d} />}
      </Field>
      <SaveVersion testId="admin-calendar-save" pending={save.isPending} nextVersion={expectedVersion + 1} error={err} onCancel={onCancel} />
    </form>
  );
}

/** The end of a version editor: save as the next version, cancel, and the API's answer (a 409 means someone saved first). */
function SaveVersion({ testId, pending, nextVersion, error, onCancel }: { testId: string; pending: boolean; nextVersion: number; error: unknown; onCancel: () => void }) {
  const { t } = useTranslation('admin');
  return (
    <>
      <div className="form-row">
        <button type="submit" disabled={pending} data-testid={testId}>
          {t('policies.saveVersion', { v: nextVersion })}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('common:action.cancel')}
        </button>
      </div>
      {error ? <ProblemView error={error} title={error instanceof ApiError && error.status === 409 ? t('policies.conflict') : undefined} /> : null}
    </>
  );
}
