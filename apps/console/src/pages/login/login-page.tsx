import { type FormEvent, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/errors';
import { useLogin } from '../../api/queries';
import { ErrorAlert } from '../../components/error-alert';
import { Field } from '../../components/field';
import { useI18n } from '../../i18n/i18n';
import { homeOf, type Session, sessionExpired, setSession } from '../../session/session-store';
import { useSession } from '../../session/use-session';

/** Only a path of this console: `next` comes from the address bar, so it must not send anyone elsewhere. */
function safeNext(next: string | null, session: Session): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : homeOf(session);
}

export function LoginPage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const session = useSession();
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  if (session) return <Navigate to={safeNext(params.get('next'), session)} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate(
      { email, password },
      {
        onSuccess: (result) =>
          setSession({
            accessToken: result.accessToken,
            expiresAt: Date.now() + result.expiresIn * 1000,
            user: result.user,
          }),
      },
    );
  };
  const wrong = login.error instanceof ApiError && login.error.status === 401;
  return (
    <section className="narrow">
      <h1>{t('login.title')}</h1>
      {sessionExpired() && !login.error && <p role="status">{t('login.expired')}</p>}
      <form onSubmit={submit} className="form">
        <Field id="login-email" label={t('login.email')}>
          {(control) => (
            <input
              {...control}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field id="login-password" label={t('login.password')}>
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" disabled={login.isPending}>
          {t('login.submit')}
        </button>
      </form>
      {wrong ? (
        <p role="alert" className="error">
          {t('login.wrong')}
        </p>
      ) : (
        <ErrorAlert error={login.error} />
      )}
    </section>
  );
}
