import { type FormEvent, useState } from 'react';
import { useLocation } from 'react-router';
import { ApiError } from '../../api/errors';
import { useReportStatus } from '../../api/queries';
import { ErrorAlert } from '../../components/error-alert';
import { useI18n } from '../../i18n/i18n';

export function TrackPage() {
  const { t, formatTime } = useI18n();
  const handed = (useLocation().state ?? {}) as { id?: string; token?: string };
  const [id, setId] = useState(handed.id ?? '');
  const [token, setToken] = useState(handed.token ?? '');
  const status = useReportStatus();
  const check = (event: FormEvent) => {
    event.preventDefault();
    status.mutate({ id: id.trim(), token: token.trim() });
  };
  const report = status.data;
  return (
    <section className="narrow">
      <h1>{t('track.title')}</h1>
      <form className="form" onSubmit={check}>
        <label>
          {t('track.id')}
          <input value={id} onChange={(e) => setId(e.target.value)} required dir="ltr" spellCheck={false} />
        </label>
        <label>
          {t('track.token')}
          <input value={token} onChange={(e) => setToken(e.target.value)} required dir="ltr" spellCheck={false} />
        </label>
        <button type="submit" className="primary" disabled={status.isPending}>
          {t('track.submit')}
        </button>
      </form>
      {status.error instanceof ApiError && (status.error.status === 404 || status.error.status === 400) ? (
        <p role="alert" className="error">
          {t('track.notFound')}
        </p>
      ) : (
        <ErrorAlert error={status.error} />
      )}
      {report && (
        <div role="status" className="result">
          <p>
            <strong>{t('track.status', { status: t(`enum.reportStatus.${report.status}`) })}</strong>
          </p>
          <p>{t('track.received', { time: formatTime(report.receivedAt) })}</p>
          {report.decidedAt && <p>{t('track.decided', { time: formatTime(report.decidedAt) })}</p>}
          {report.outcome && (
            <>
              <p>{t('track.outcome', { action: t(`enum.action.${report.outcome.action}`) })}</p>
              <h2>{t('track.statement')}</h2>
              <p dir="auto" className="user-text">
                {report.outcome.statement}
              </p>
            </>
          )}
        </div>
      )}
    </section>
  );
}
