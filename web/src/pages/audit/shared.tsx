/**
 * Pieces the auditor's pages share: links to an entity's history, the
 * datetime-local <-> ISO conversion of filter bounds, and the rendering of a
 * verification report (POST /audit/verify). The verdict is the API's: the
 * page never recomputes a hash, it only shows what the report and the
 * stored events say.
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, query } from '../../api';
import i18n from '../../i18n';
import { Loading, ProblemView } from '../../components/States';
import { formatDateTime, formatNumber } from '../../format';
import { type AuditEventPage, type ChainBreak, HISTORY_KINDS, type HistoryKind, type VerifyReport } from './types';

/** The history page of a complaint or cycle; null for entities without one (reviews). */
export function historyPath(entityType: string, entityId: string): string | null {
  return (HISTORY_KINDS as readonly string[]).includes(entityType) ? `/audit/history/${entityType}/${encodeURIComponent(entityId)}` : null;
}

/** `complaint:c_1` -> its history page, if it has one. */
export function streamHistoryPath(stream: string): string | null {
  const at = stream.indexOf(':');
  return at > 0 ? historyPath(stream.slice(0, at), stream.slice(at + 1)) : null;
}

export const isHistoryKind = (k: string | undefined): k is HistoryKind => (HISTORY_KINDS as readonly string[]).includes(k ?? '');

/**
 * Time of day with seconds, in the user's locale and time zone (engine events
 * come seconds apart; web/src/format.ts has no such format, and it is not ours to change).
 */
export function formatTime(iso: string): string {
  return new Intl.DateTimeFormat(i18n.language || 'en', { timeStyle: 'medium' }).format(new Date(iso));
}

/** Date and time with seconds (clock periods often last seconds). */
export function formatDateTimeSeconds(d: string | number): string {
  return new Intl.DateTimeFormat(i18n.language || 'en', { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(d));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO instant as the value of a datetime-local input, in the browser's time zone. */
export function isoToLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (the browser's time zone) as an ISO instant with offset, as the API wants. */
export function localInputToIso(value: string): string {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** The first 12 hex digits of a hash (the whole one in the title). */
export function ShortHash({ hash }: { hash: string | null | undefined }) {
  if (!hash) return <span className="audit-hash">—</span>;
  return (
    <code className="audit-hash" title={hash}>
      {hash.slice(0, 12)}…
    </code>
  );
}

export const isEmptyJson = (value: unknown) => value === undefined || value === null || (typeof value === 'object' && Object.keys(value).length === 0);

/** A JSON value, folded away behind a summary. */
export function JsonDetails({ value, summary }: { value: unknown; summary: string }) {
  if (isEmptyJson(value)) return <span>—</span>;
  return (
    <details className="audit-json">
      <summary>{summary}</summary>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}

/**
 * The stored events around a break, each with its prevHash (found) next to
 * the hash of the stored event before it (expected). Read through the search
 * endpoint; the verdict itself stays the report's.
 */
function StoredAroundBreak({ brk }: { brk: ChainBreak }) {
  const { t } = useTranslation('audit');
  const events = useQuery({
    queryKey: ['audit', 'events', 'stream', brk.stream],
    queryFn: ({ signal }) => api.get<AuditEventPage>(`/audit/events${query({ stream: brk.stream, limit: 500 })}`, { signal }),
  });
  if (events.isPending) return <Loading />;
  if (events.error) return <ProblemView error={events.error} />;
  const sorted = [...events.data.items].sort((a, b) => a.seq - b.seq);
  const rows = sorted.map((e, i) => ({ e, expected: i > 0 ? (sorted[i - 1]!.hash ?? null) : null })).filter(({ e }) => e.seq >= brk.seq - 1 && e.seq <= brk.seq + 1);
  if (rows.length === 0) return null;
  return (
    <>
      <h4>{t('verify.stored')}</h4>
      <p>{t('verify.storedIntro')}</p>
      <table className="audit-stored" data-testid="verify-stored">
        <thead>
          <tr>
            <th scope="col">{t('verify.storedCol.seq')}</th>
            <th scope="col">{t('verify.storedCol.action')}</th>
            <th scope="col">{t('verify.storedCol.at')}</th>
            <th scope="col">{t('verify.storedCol.expected')}</th>
            <th scope="col">{t('verify.storedCol.prevHash')}</th>
            <th scope="col">{t('verify.storedCol.link')}</th>
            <th scope="col">{t('verify.storedCol.hash')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ e, expected }) => {
            const links = e.prevHash === expected;
            return (
              <tr key={e.id} className={e.seq === brk.seq ? 'audit-break-row' : undefined}>
                <th scope="row">{e.seq}</th>
                <td>{e.action}</td>
                <td>{formatDateTime(e.at)}</td>
                <td>
                  <ShortHash hash={expected} />
                </td>
                <td>
                  <ShortHash hash={e.prevHash} />
                </td>
                <td className={links ? 'audit-ok' : 'audit-broken'}>{links ? t('verify.linkOk') : t('verify.linkBroken')}</td>
                <td>
                  <ShortHash hash={e.hash} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

/** The first broken link of a report: stream, seq, kind and what the server found. */
export function BreakView({ brk }: { brk: ChainBreak }) {
  const { t } = useTranslation('audit');
  const history = streamHistoryPath(brk.stream);
  return (
    <section className="audit-break" data-testid="verify-first-break" aria-label={t('verify.firstBreak')}>
      <h3>{t('verify.firstBreak')}</h3>
      <dl className="audit-facts">
        <dt>{t('verify.breakStream')}</dt>
        <dd>{history ? <Link to={history}>{brk.stream}</Link> : brk.stream}</dd>
        <dt>{t('verify.breakSeq')}</dt>
        <dd data-testid="verify-break-seq">{brk.seq}</dd>
        <dt>{t('verify.breakKind')}</dt>
        <dd data-testid="verify-break-kind">{t(`verify.kind.${brk.kind}`)}</dd>
        <dt>{t('verify.breakDetail')}</dt>
        <dd>{brk.detail}</dd>
      </dl>
      <StoredAroundBreak brk={brk} />
    </section>
  );
}

/** The one-line verdict of a report. */
export function VerdictLine({ report }: { report: VerifyReport }) {
  const { t } = useTranslation('audit');
  return report.ok ? (
    <p className="audit-verdict audit-ok" data-testid="verify-status" role="status">
      <span aria-hidden="true">✔ </span>
      {t('verify.ok', { count: report.checkedStreams, events: formatNumber(report.checkedEvents, 0) })}
    </p>
  ) : (
    <p className="audit-verdict audit-broken" data-testid="verify-status" role="status">
      <span aria-hidden="true">✖ </span>
      {t('verify.notOk', { count: report.brokenStreams, events: formatNumber(report.checkedEvents, 0) })}
    </p>
  );
}

const yesNo = (ok: boolean, t: (k: string) => string) => <span className={ok ? 'audit-ok' : 'audit-broken'}>{ok ? t('verify.yes') : t('verify.no')}</span>;

/** The whole report: verdict, scope, digest checks, first break, and every broken stream. */
export function VerifyReportView({ report }: { report: VerifyReport }) {
  const { t } = useTranslation('audit');
  const { scope, digest } = report;
  return (
    <div className="audit-report" data-testid="verify-report">
      <VerdictLine report={report} />
      <p>
        {scope.kind === 'stream'
          ? t('verify.scopeLine.stream', { stream: scope.stream })
          : scope.kind === 'range'
            ? t('verify.scopeLine.range', { from: formatDateTime(scope.from), to: formatDateTime(scope.to) })
            : t('verify.scopeLine.all')}
      </p>
      {digest && (
        <section className="panel" aria-label={t('verify.digestCheck')} data-testid="verify-digest-check">
          <h3>{t('verify.digestLine', { seq: digest.seq, source: t(`verify.digestSource.${digest.source}`) })}</h3>
          <dl className="audit-facts">
            <dt>{t('verify.hash')}</dt>
            <dd>
              <ShortHash hash={digest.hash} />
            </dd>
            <dt>{t('verify.matchesStore')}</dt>
            <dd>{yesNo(digest.matchesStore, t)}</dd>
            <dt>{t('verify.chainIntact')}</dt>
            <dd>{yesNo(digest.chainIntact, t)}</dd>
            <dt>{t('verify.rootMatches')}</dt>
            <dd>{yesNo(digest.rootMatches, t)}</dd>
          </dl>
          {digest.problems.length > 0 && (
            <>
              <h4>{t('verify.problems')}</h4>
              <ul>
                {digest.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}
      {report.firstBreak && <BreakView brk={report.firstBreak} />}
      {report.breaks.length > 1 && (
        <>
          <h3>{t('verify.allBreaks')}</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('verify.breakStream')}</th>
                <th scope="col">{t('verify.breakSeq')}</th>
                <th scope="col">{t('verify.breakKind')}</th>
                <th scope="col">{t('verify.breakDetail')}</th>
              </tr>
            </thead>
            <tbody>
              {report.breaks.map((b) => {
                const history = streamHistoryPath(b.stream);
                return (
                  <tr key={b.stream}>
                    <th scope="row">{history ? <Link to={history}>{b.stream}</Link> : b.stream}</th>
                    <td>{b.seq}</td>
                    <td>{t(`verify.kind.${b.kind}`)}</td>
                    <td>{b.detail}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

/** Verification of one record's stream, run when the record's page opens. */
export function ChainStatus({ stream }: { stream: string }) {
  const { t } = useTranslation('audit');
  const verify = useQuery({
    queryKey: ['audit', 'verify', 'stream', stream],
    queryFn: ({ signal }) => api.post<VerifyReport>('/audit/verify', { stream }, { signal }),
    // A verification is a snapshot; the auditor asks again explicitly.
    refetchOnWindowFocus: false,
  });
  return (
    <section aria-labelledby="chain-status-title" className="panel audit-chain" data-testid="chain-status">
      <h2 id="chain-status-title">{t('chain.title')}</h2>
      {/* Never a stale verdict: while a verification runs (again), only that is shown. */}
      {verify.isFetching ? (
        <Loading label={t('chain.verifying')} />
      ) : verify.error ? (
        <ProblemView error={verify.error} />
      ) : !verify.data ? null : verify.data.ok && verify.data.checkedEvents === 0 ? (
        <p>{t('chain.empty')}</p>
      ) : verify.data.ok ? (
        <p className="audit-verdict audit-ok" data-testid="chain-verified">
          <span aria-hidden="true">✔ </span>
          {t('chain.verified', { count: verify.data.checkedEvents })}
        </p>
      ) : (
        <>
          <p className="audit-verdict audit-broken" data-testid="chain-broken">
            <span aria-hidden="true">✖ </span>
            {t('chain.broken')}
          </p>
          {verify.data.firstBreak && <BreakView brk={verify.data.firstBreak} />}
          {!verify.data.firstBreak && verify.data.digest && verify.data.digest.problems.length > 0 && (
            <ul>
              {verify.data.digest.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
        </>
      )}
      <p className="form-row">
        <button type="button" className="secondary" onClick={() => void verify.refetch()} disabled={verify.isFetching}>
          {t('chain.again')}
        </button>
        <Link to={`/audit/verify?stream=${encodeURIComponent(stream)}`}>{t('search.verifyStream')}</Link>
      </p>
    </section>
  );
}
