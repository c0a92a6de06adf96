/**
 * Verification of the audit store (POST /audit/verify): one stream, a time
 * range or everything, optionally against a signed digest the auditor saved
 * outside the system (pasted here); the report names the first broken link.
 * Also the latest signed digest (GET /audit/digests/latest) to download and
 * keep. Verification only reads, so it needs no idempotency key.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { ApiError, api } from '../../api';
import { FieldErrors, Loading, ProblemView } from '../../components/States';
import { formatDateTime, formatNumber } from '../../format';
import { ShortHash, VerifyReportView, localInputToIso } from './shared';
import type { LatestDigest, VerifyReport } from './types';

type Scope = 'stream' | 'range' | 'all';
const SCOPES: Scope[] = ['stream', 'range', 'all'];

interface VerifyBody {
  stream?: string;
  from?: string;
  to?: string;
  digest?: { seq: number; hash: string };
}

/** The saved digest as pasted: the whole downloaded JSON or just {seq, hash}; null when it is not one. */
function parseSavedDigest(text: string): { seq: number; hash: string } | null {
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null) return null;
    const { seq, hash } = v as { seq?: unknown; hash?: unknown };
    if (typeof seq !== 'number' || !Number.isInteger(seq) || typeof hash !== 'string') return null;
    return { seq, hash: hash.trim() };
  } catch {
    return null;
  }
}

function LatestDigestPanel() {
  const { t } = useTranslation('audit');
  const digest = useQuery({
    queryKey: ['audit', 'digest', 'latest'],
    queryFn: ({ signal }) => api.get<LatestDigest>('/audit/digests/latest', { signal }),
  });
  return (
    <section aria-labelledby="audit-latest-digest" className="panel" data-testid="latest-digest">
      <h2 id="audit-latest-digest">{t('verify.latest')}</h2>
      <p>{t('verify.latestIntro')}</p>
      {digest.isPending ? (
        <Loading />
      ) : digest.error instanceof ApiError && digest.error.status === 404 ? (
        <p className="state state-empty">{t('verify.noDigest')}</p>
      ) : digest.error ? (
        <ProblemView error={digest.error} />
      ) : (
        <>
          <dl className="audit-facts">
            <dt>{t('verify.seq')}</dt>
            <dd data-testid="latest-digest-seq">{digest.data.seq}</dd>
            <dt>{t('verify.cutoff')}</dt>
            <dd>{formatDateTime(digest.data.cutoff)}</dd>
            <dt>{t('verify.createdAt')}</dt>
            <dd>{formatDateTime(digest.data.createdAt)}</dd>
            <dt>{t('verify.streamCount')}</dt>
            <dd>{formatNumber(digest.data.streamCount, 0)}</dd>
            <dt>{t('verify.root')}</dt>
            <dd>
              <ShortHash hash={digest.data.root} />
            </dd>
            <dt>{t('verify.hash')}</dt>
            <dd>
              <ShortHash hash={digest.data.hash} />
            </dd>
            <dt>{t('verify.keyId')}</dt>
            <dd>
              <code>{digest.data.keyId}</code>
            </dd>
          </dl>
          {/* A plain link: the browser fetches it with the session cookie and saves the JSON as a file. */}
          <a className="audit-button-link" href="/audit/digests/latest" download={`qualityloop-digest-${digest.data.seq}.json`} data-testid="latest-digest-download">
            {t('verify.download')}
          </a>
        </>
      )}
    </section>
  );
}

export default function Verify() {
  const { t } = useTranslation('audit');
  const ids = useId();
  const [params] = useSearchParams();
  const initialStream = params.get('stream') ?? '';
  const [scope, setScope] = useState<Scope>(initialStream ? 'stream' : 'all');
  const [stream, setStream] = useState(initialStream);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [digestText, setDigestText] = useState('');
  const [digestError, setDigestError] = useState<string | null>(null);

  const verify = useMutation({
    mutationFn: (body: VerifyBody) => api.post<VerifyReport>('/audit/verify', body),
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    const body: VerifyBody = {};
    if (scope === 'stream') body.stream = stream.trim();
    if (scope === 'range') {
      body.from = localInputToIso(from) || undefined;
      body.to = localInputToIso(to) || undefined;
    }
    if (digestText.trim()) {
      const saved = parseSavedDigest(digestText);
      if (!saved) {
        setDigestError(t('verify.digestInvalid'));
        return;
      }
      body.digest = saved;
    }
    setDigestError(null);
    verify.mutate(body);
  }

  const err = verify.error;
  return (
    <section className="audit-verify">
      <h1>{t('verify.title')}</h1>
      <p>{t('verify.intro')}</p>
      <form onSubmit={submit} className="panel" aria-label={t('verify.title')}>
        <fieldset>
          <legend>{t('verify.scope')}</legend>
          {SCOPES.map((s) => (
            <label key={s} className="audit-inline-check">
              <input type="radio" name="scope" value={s} checked={scope === s} onChange={() => setScope(s)} data-testid={`verify-scope-${s}`} />
              {t(`verify.scope${s[0]!.toUpperCase()}${s.slice(1)}`)}
            </label>
          ))}
        </fieldset>
        {scope === 'stream' && (
          <div className="form-row">
            <label>
              {t('verify.stream')}
              <input value={stream} onChange={(e) => setStream(e.target.value)} placeholder={t('search.streamHint')} required aria-describedby={`${ids}-stream-error`} data-testid="verify-stream" />
              <FieldErrors error={err} field="stream" id={`${ids}-stream-error`} />
            </label>
          </div>
        )}
        {scope === 'range' && (
          <div className="form-row">
            <label>
              {t('verify.from')}
              <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required aria-describedby={`${ids}-from-error`} data-testid="verify-from" />
              <FieldErrors error={err} field="from" id={`${ids}-from-error`} />
            </label>
            <label>
              {t('verify.to')}
              <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} required aria-describedby={`${ids}-to-error`} data-testid="verify-to" />
              <FieldErrors error={err} field="to" id={`${ids}-to-error`} />
            </label>
          </div>
        )}
        <label className="audit-digest-input">
          {t('verify.digest')}
          <span className="audit-muted" id={`${ids}-digest-hint`}>
            {t('verify.digestHint')}
          </span>
          <textarea
            rows={4}
            value={digestText}
            onChange={(e) => setDigestText(e.target.value)}
            spellCheck={false}
            aria-describedby={`${ids}-digest-hint ${ids}-digest-error`}
            aria-invalid={digestError ? true : undefined}
            data-testid="verify-digest"
          />
          {digestError ? (
            <span className="field-error" id={`${ids}-digest-error`} role="alert">
              {digestError}
            </span>
          ) : (
            <FieldErrors error={err} field="digest" id={`${ids}-digest-error`} />
          )}
        </label>
        <div className="form-row">
          <button type="submit" disabled={verify.isPending} data-testid="verify-submit">
            {verify.isPending ? t('verify.running') : t('verify.run')}
          </button>
        </div>
      </form>

      <section aria-labelledby={`${ids}-result`} aria-busy={verify.isPending} hidden={verify.isIdle}>
        <h2 id={`${ids}-result`}>{t('verify.result')}</h2>
        {verify.isPending ? <Loading label={t('verify.running')} /> : verify.error ? <ProblemView error={verify.error} /> : verify.data ? <VerifyReportView report={verify.data} /> : null}
      </section>

      <LatestDigestPanel />
    </section>
  );
}
