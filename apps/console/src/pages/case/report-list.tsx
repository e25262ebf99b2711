import type { CaseDetail } from '../../api/queries';
import { useI18n } from '../../i18n/i18n';

/** Reports as text (never HTML) in their own direction; evidence links only after a warning, opened apart. */
export function ReportList({ reports }: { reports: CaseDetail['reports'] }) {
  const { t, formatTime } = useI18n();
  return (
    <ol className="reports">
      {reports.map((report) => (
        <li key={report.id}>
          {/* Each piece isolated (bdi), so a Latin pseudonym or a date does not reorder the Arabic line around it. */}
          <p className="muted">
            <bdi>{t(`enum.category.${report.category}`)}</bdi> · <bdi>{t(`enum.source.${report.source}`)}</bdi> ·{' '}
            <bdi>{report.reporter}</bdi> · <bdi>{formatTime(report.receivedAt)}</bdi>
          </p>
          <p dir="auto" lang={report.language ?? undefined} className="user-text">
            {report.description}
          </p>
          {report.evidenceUrls.length > 0 && (
            <details>
              <summary>{t('case.showEvidence')}</summary>
              <p className="warning">{t('case.evidenceWarning')}</p>
              <ul aria-label={t('case.evidence')}>
                {report.evidenceUrls.map((url) => (
                  <li key={url}>
                    <a href={url} target="_blank" rel="noopener noreferrer" dir="auto">
                      {url}
                    </a>
                  </li>
                ))}
              </ul>
            </details>
          )}
        </li>
      ))}
    </ol>
  );
}
