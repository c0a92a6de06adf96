/**
 * The signed-in frame: navigation by what the user's role may do (the API's
 * permission matrix, read from src/domain, the same table that judges the
 * requests), language switch, user and sign-out.
 */
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useNavigate } from 'react-router-dom';
import { type Permission, scopeOf } from '../../../src/domain/permissions';
import { LANGUAGES, type Language, setLanguage } from '../i18n';
import { useSession, useUser } from '../session';

interface NavItem {
  to: string;
  label: string;
  permission: Permission;
  /** Only when the role's scope for the permission is `all`. */
  all?: boolean;
}

const NAV: NavItem[] = [
  { to: '/queue', label: 'nav.queue', permission: 'complaint.act' },
  { to: '/dashboard', label: 'nav.dashboard', permission: 'analytics.read', all: true },
  { to: '/cycles', label: 'nav.cycles', permission: 'cycle.read' },
  { to: '/audit', label: 'nav.audit', permission: 'audit.read' },
  { to: '/surveys', label: 'nav.surveys', permission: 'survey.read' },
  { to: '/follow-ups', label: 'nav.followUps', permission: 'followup.read' },
  { to: '/admin/users', label: 'nav.users', permission: 'admin.manage' },
  { to: '/admin/keys', label: 'nav.keys', permission: 'admin.manage' },
  { to: '/admin/policies', label: 'nav.policies', permission: 'catalog.write' },
  { to: '/admin/customers', label: 'nav.customers', permission: 'customer.manage' },
];

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <label className="language-switch">
      <span className="visually-hidden">{t('language')}</span>
      <select value={i18n.language} onChange={(e) => setLanguage(e.target.value as Language)} aria-label={t('language')}>
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Layout() {
  const { t } = useTranslation();
  const user = useUser();
  const { signOut } = useSession();
  const navigate = useNavigate();
  const items = NAV.filter((n) => {
    const scope = scopeOf(user.role, n.permission);
    return scope !== null && (!n.all || scope === 'all');
  });
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="app-header">
        <span className="brand">qualityloop</span>
        <nav aria-label={t('nav.label')}>
          <ul>
            {items.map((n) => (
              <li key={n.to}>
                <NavLink to={n.to}>{t(n.label)}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="user-box">
          <LanguageSwitch />
          <span className="user-name" data-testid="current-user">
            {user.name} · {t(`role.${user.role}`)}
          </span>
          <button
            type="button"
            onClick={() => {
              void signOut().then(() => navigate('/sign-in'));
            }}
          >
            {t('signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
