import { useState } from 'react';
import { useCloseIncident, useIncidents, type IncidentStatus, type Schemas } from '../../api/queries';
import { ErrorAlert } from '../../components/error-alert';
import { useI18n } from '../../i18n/i18n';
import { hasRole } from '../../session/session-store';
import { useSession } from '../../session/use-session';
import { DeclareIncidentForm } from './declare-incident-form';

const STATUSES: readonly IncidentStatus[] = ['active', 'closed'];

/** Incidents with their live figures; senior moderators and admins declare and close them. */
export function IncidentsPage() {
  const { t } = useI18n();
  const session = useSession();
  const [status, setStatus] = useState<IncidentStatus | undefined>(undefined);
  const incidents = useIncidents(status);
  const close = useCloseIncident();
  const senior = hasRole(session, 'senior_moderator', 'admin');
  const rows = incidents.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section>
      <h1>{t('incidents.title')}</h1>
      {senior && <DeclareIncidentForm />}
      <h2 id="incidents-list-heading">{t('incidents.list')}</h2>
      <div className="filters">
        <label>
          {t('incidents.status')}
          <select value={status ?? ''} onChange={(e) => setStatus(STATUSES.find((value) => value === e.target.value))}>
            <option value="">{t('common.any')}</option>
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {t(`enum.incidentStatus.${value}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorAlert error={incidents.error ?? close.error} />
      {incidents.isSuccess && rows.length === 0 && <p>{t('incidents.none')}</p>}
      {rows.length > 0 && (
        <table aria-labelledby="incidents-list-heading">
          <thead>
            <tr>
              <th scope="col">{t('incidents.titleField')}</th>
              <th scope="col">{t('incidents.scope')}</th>
              <th scope="col">{t('incidents.boost')}</th>
              <th scope="col">{t('incidents.slaHours')}</th>
              <th scope="col">{t('incidents.status')}</th>
              <th scope="col">{t('incidents.declaredColumn')}</th>
              <th scope="col">{t('incidents.reports')}</th>
              <th scope="col">{t('incidents.cases')}</th>
              <th scope="col">{t('incidents.decided')}</th>
              <th scope="col">{t('incidents.median')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((incident) => (
              <IncidentRow
                key={incident.id}
                incident={incident}
                onClose={senior ? () => close.mutate(incident.id) : undefined}
                closing={close.isPending && close.variables === incident.id}
              />
            ))}
          </tbody>
        </table>
      )}
      {incidents.hasNextPage && (
        <button type="button" onClick={() => void incidents.fetchNextPage()} disabled={incidents.isFetchingNextPage}>
          {t('common.loadMore')}
        </button>
      )}
    </section>
  );
}

function IncidentRow(props: {
  incident: Schemas['IncidentWithFiguresDto'];
  onClose: (() => void) | undefined;
  closing: boolean;
}) {
  const { incident, onClose, closing } = props;
  const { t, formatTime } = useI18n();
  const every = t('incidents.every');
  return (
    <tr>
      <td dir="auto">{incident.title}</td>
      <td>
        <bdi dir="auto">{incident.organization ?? t('incidents.everyOrganisation')}</bdi> ·{' '}
        <bdi>{incident.platforms?.map((p) => t(`enum.platform.${p}`)).join(', ') ?? every}</bdi> ·{' '}
        <bdi>{incident.categories?.map((c) => t(`enum.category.${c}`)).join(', ') ?? every}</bdi>
      </td>
      <td className="number">{incident.boost}</td>
      <td className="number">{incident.slaHours ?? t('common.none')}</td>
      <td>
        <span>{t(`enum.incidentStatus.${incident.status}`)}</span>
        {incident.status === 'active' && incident.endsAt && (
          <div className="muted">{t('incidents.endsAt', { time: formatTime(incident.endsAt) })}</div>
        )}
        {incident.closedAt && (
          <div className="muted">{t('incidents.closedAt', { time: formatTime(incident.closedAt) })}</div>
        )}
        {incident.status === 'active' && onClose && (
          <div>
            <button type="button" onClick={onClose} disabled={closing}>
              {t('incidents.close')}
            </button>
          </div>
        )}
      </td>
      <td>{formatTime(incident.declaredAt)}</td>
      <td className="number">{incident.reports}</td>
      <td className="number">{incident.cases}</td>
      <td className="number">{incident.decided}</td>
      <td className="number">
        {incident.medianSecondsToDecision === null
          ? t('common.none')
          : t('incidents.seconds', { seconds: Math.round(incident.medianSecondsToDecision) })}
      </td>
    </tr>
  );
}
