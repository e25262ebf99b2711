import { Link } from 'react-router';
import { useOpenAppeals } from '../../api/queries';
import { ErrorAlert } from '../../components/error-alert';
import { useI18n } from '../../i18n/i18n';

export function AppealsPage() {
  const { t, formatTime } = useI18n();
  const appeals = useOpenAppeals();
  const items = appeals.data?.items.filter((appeal) => appeal.status === 'open') ?? [];
  return (
    <section>
      <h1>{t('appeals.title')}</h1>
      <ErrorAlert error={appeals.error} />
      {appeals.isPending && <p>{t('common.loading')}</p>}
      {appeals.isSuccess && items.length === 0 && <p>{t('appeals.empty')}</p>}
      {items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('appeals.filed')}</th>
              <th scope="col">{t('appeals.appellant')}</th>
              <th scope="col">{t('appeals.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((appeal) => (
              <tr key={appeal.id}>
                <td>
                  <Link to={`/appeals/${appeal.id}`}>{formatTime(appeal.createdAt)}</Link>
                </td>
                <td>{t(`enum.appellant.${appeal.appellant}`)}</td>
                <td dir="auto" className="user-text">
                  {appeal.reason}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
