import { Link, Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useOpenQueueBoard } from '../api/queries';
import { useI18n } from '../i18n/i18n';
import { ErrorAlert } from './error-alert';
import { clearSession, hasRole } from '../session/session-store';
import { useSession } from '../session/use-session';
import { LanguageSelect } from './language-select';
import { Shortcuts, useShortcut } from './shortcuts';

/** Every page: skip link, name, the given navigation, the Language select, then the page itself. */
function Shell({ nav, extra }: { nav: React.ReactNode; extra?: React.ReactNode }) {
  const { t } = useI18n();
  return (
    <>
      <header className="app-header">
        <a className="skip" href="#main">
          {t('app.skip')}
        </a>
        <Link to="/" className="brand">
          {t('app.name')}
        </Link>
        {nav}
        <LanguageSelect />
      </header>
      {extra}
      <main id="main">
        <Outlet />
      </main>
    </>
  );
}

/** Pages anyone may use: reporting, tracking, appealing, signing in. */
export function PublicLayout() {
  const { t } = useI18n();
  return (
    <Shell
      nav={
        <nav aria-label={t('nav.public')} className="nav">
          <NavLink to="/report">{t('nav.report')}</NavLink>
          <NavLink to="/track">{t('nav.track')}</NavLink>
          <NavLink to="/appeal">{t('nav.appeal')}</NavLink>
          <NavLink to="/login">{t('nav.signIn')}</NavLink>
        </nav>
      }
    />
  );
}

/**
 * Bull Board is served by the API outside the console: the link first opens a board session (a cookie for
 * /admin/queues alone), then leaves the console for the board.
 */
function QueueBoardLink() {
  const { t } = useI18n();
  const open = useOpenQueueBoard();
  return (
    <>
      <a
        href="/admin/queues/"
        aria-busy={open.isPending}
        onClick={(event) => {
          event.preventDefault();
          open.mutate(undefined, { onSuccess: (session) => window.location.assign(session.url) });
        }}
      >
        {t('nav.queueBoard')}
      </a>
      <ErrorAlert error={open.error} />
    </>
  );
}

/** Staff pages: signed in, a navigation with what the person's roles may use, and Sign out. */
export function StaffLayout() {
  const { t } = useI18n();
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  useShortcut('q', () => navigate('/'));
  if (!session) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  const review = hasRole(session, 'moderator', 'senior_moderator', 'admin');
  const senior = hasRole(session, 'senior_moderator', 'admin');
  const audit = hasRole(session, 'admin', 'auditor');
  const admin = hasRole(session, 'admin');
  return (
    <Shell
      nav={
        <nav aria-label={t('nav.label')} className="nav">
          {review && (
            <NavLink to="/" end>
              {t('nav.queue')}
            </NavLink>
          )}
          {senior && <NavLink to="/appeals">{t('nav.appeals')}</NavLink>}
          {audit && <NavLink to="/audit">{t('nav.audit')}</NavLink>}
          {audit && <NavLink to="/transparency">{t('nav.transparency')}</NavLink>}
          {admin && <NavLink to="/admin/users">{t('nav.users')}</NavLink>}
          {admin && <NavLink to="/admin/api-keys">{t('nav.apiKeys')}</NavLink>}
          {admin && <QueueBoardLink />}
          {(review || audit) && <NavLink to="/incidents">{t('nav.incidents')}</NavLink>}
          <span className="who">{t('nav.signedInAs', { name: session.user.displayName })}</span>
          <button type="button" onClick={() => clearSession()}>
            {t('nav.signOut')}
          </button>
        </nav>
      }
      extra={<Shortcuts />}
    />
  );
}
