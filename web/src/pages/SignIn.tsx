/**
 * Sign-in: username and password (POST /auth/login sets the HttpOnly session
 * cookie; the page never sees it), or the organisation's identity provider
 * when GET /auth/providers offers one (a full-page redirect through
 * /auth/oidc/login). The API's refusals are shown as they come: a wrong
 * username or password, an account locked until a time, an address slowed
 * down. After sign-in the user goes back to the page they were sent here
 * from, else to their role's start page.
 */
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import type { ProvidersView } from '../../../src/api/auth-schemas';
import { ApiError, api } from '../api';
import { LanguageSwitch } from '../components/Layout';
import { ProblemView } from '../components/States';
import { formatDateTime } from '../format';
import { homeOf, useSession } from '../session';

/** Only paths inside the app are followed back (never another site). */
function safeFrom(value: unknown): string | null {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/sign-in') ? value : null;
}

function SignInError({ error }: { error: unknown }) {
  const { t } = useTranslation('auth');
  if (!(error instanceof ApiError)) return <ProblemView error={error} />;
  const extra = error.problem as { lockedUntil?: string };
  let message: string | null = null;
  if (error.code === 'INVALID_CREDENTIALS') message = t('error.invalid');
  else if (error.code === 'SIGN_IN_LOCKED')
    message = extra.lockedUntil ? t('error.locked', { time: formatDateTime(extra.lockedUntil) }) : t('error.lockedSeconds', { seconds: error.retryAfterSeconds ?? 60 });
  else if (error.code === 'SIGN_IN_THROTTLED') message = t('error.throttled', { seconds: error.retryAfterSeconds ?? 60 });
  if (!message) return <ProblemView error={error} />;
  return (
    <div className="problem" role="alert" data-testid="sign-in-error" data-code={error.code}>
      <p>{message}</p>
    </div>
  );
}

export default function SignIn() {
  const { t } = useTranslation('auth');
  const { user, expired, signIn } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const from = safeFrom((location.state as { from?: unknown } | null)?.from);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const providers = useQuery({ queryKey: ['auth', 'providers'], queryFn: () => api.get<ProvidersView>('/auth/providers', { quiet401: true }), staleTime: 60_000 });

  // Already signed in (a reload, the back button, an OIDC return): straight on.
  if (user && !busy) return <Navigate to={from ?? homeOf(user.role)} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const signedIn = await signIn(username.trim(), password);
      navigate(from ?? homeOf(signedIn.role), { replace: true });
    } catch (err) {
      setError(err);
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  const oidc = providers.data?.oidc ?? null;
  // The provider brings the browser back to the app; `returnTo` is where in it.
  const oidcHref = oidc ? `${oidc.loginUrl}?returnTo=${encodeURIComponent(`/app${from ?? '/'}`)}` : null;

  return (
    <div className="auth-page">
      <header className="auth-header">
        <span className="brand">qualityloop</span>
        <LanguageSwitch />
      </header>
      <main id="main" className="auth-main">
        <h1>{t('title')}</h1>
        {expired && !error ? (
          <p className="auth-notice" role="status" data-testid="sign-in-expired">
            {t('expired')}
          </p>
        ) : null}
        {error ? <SignInError error={error} /> : null}
        <form className="auth-form" onSubmit={(e) => void submit(e)} aria-busy={busy}>
          <label htmlFor="sign-in-username">{t('username')}</label>
          <input
            id="sign-in-username"
            data-testid="sign-in-username"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
          <label htmlFor="sign-in-password">{t('password')}</label>
          <input
            id="sign-in-password"
            data-testid="sign-in-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <button type="submit" data-testid="sign-in-submit" disabled={busy}>
            {busy ? t('signingIn') : t('submit')}
          </button>
        </form>
        {oidcHref ? (
          <div className="auth-oidc">
            <p>{t('or')}</p>
            <a className="auth-oidc-button" href={oidcHref} data-testid="sign-in-oidc">
              {t('oidc', { name: oidc!.name })}
            </a>
          </div>
        ) : null}
      </main>
    </div>
  );
}
