import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { ApiError } from '../../api/errors';
import { type CaseDetail, useCase, useClaimCase, useRenewLease } from '../../api/queries';
import { ErrorAlert } from '../../components/error-alert';
import { useShortcut } from '../../components/shortcuts';
import { SlaCountdown } from '../../components/sla-countdown';
import { useI18n } from '../../i18n/i18n';
import { hasRole } from '../../session/session-store';
import { useSession } from '../../session/use-session';
import { DecisionForm } from './decision-form';
import { EvidenceFiles } from './evidence-files';
import { LinkedChannels } from './linked-channels';
import { ReportList } from './report-list';

/** Renewed well before the lease (10 minutes by default) runs out, while the page is open. */
const RENEW_EVERY_MS = 60_000;

export function CasePage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const found = useCase(id);
  if (found.isPending) return <p>{t('common.loading')}</p>;
  if (found.error) return <ErrorAlert error={found.error} />;
  return <CaseView detail={found.data} refetch={() => void found.refetch()} />;
}

function CaseView({ detail, refetch }: { detail: CaseDetail; refetch: () => void }) {
  const { t, formatTime } = useI18n();
  const session = useSession();
  const claim = useClaimCase(detail.id);
  const renew = useRenewLease(detail.id);
  const [done, setDone] = useState('');
  const [leaseLost, setLeaseLost] = useState(false);
  const holding = detail.status === 'in_review' && detail.assigneeId === session?.user.id && !!detail.leaseExpiresAt;
  const claimable =
    detail.status === 'open' || (detail.status === 'escalated' && hasRole(session, 'senior_moderator', 'admin'));

  const claimNow = () => {
    setDone('');
    setLeaseLost(false);
    claim.mutate(undefined, { onError: () => refetch() });
  };
  useShortcut('c', () => claimable && claimNow());
  useShortcut('d', () => document.getElementById('decision-action')?.focus());

  useEffect(() => {
    if (!holding) return;
    const timer = setInterval(() => {
      renew.mutate(undefined, {
        onError: (error) => {
          if (error instanceof ApiError && error.status === 409) setLeaseLost(true);
        },
      });
    }, RENEW_EVERY_MS);
    return () => clearInterval(timer);
    // renew is a new object each render; the interval depends only on whether the lease is held.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [holding, detail.id]);

  return (
    <article className="case">
      <h1 dir="auto">{detail.channel.key}</h1>
      <dl className="facts">
        <div>
          <dt>{t('case.statusLabel')}</dt>
          <dd className={`status status-${detail.status}`}>{t(`enum.status.${detail.status}`)}</dd>
        </div>
        <div>
          <dt>{t('case.platformLabel')}</dt>
          <dd>{t(`enum.platform.${detail.channel.platform}`)}</dd>
        </div>
        <div>
          <dt>{t('case.slaLabel')}</dt>
          <dd>
            <SlaCountdown dueAt={detail.slaDueAt} />
          </dd>
        </div>
        <div>
          <dt>{t('queue.reports')}</dt>
          <dd>
            {detail.reportCount} ({t('queue.reporters', { count: detail.distinctReporters })})
          </dd>
        </div>
      </dl>
      <p role="status" className="status-line">
        {done}
      </p>
      {claimable && (
        <div className="buttons">
          <button type="button" className="primary" onClick={claimNow} disabled={claim.isPending}>
            {t('case.claim')}
          </button>
        </div>
      )}
      <ErrorAlert error={claim.error} />
      {detail.status === 'in_review' && detail.leaseExpiresAt && !holding && (
        <p className="note">{t('case.heldBy', { time: formatTime(detail.leaseExpiresAt) })}</p>
      )}
      {holding && !leaseLost && (
        <>
          <p className="note">
            {t('case.youHold', { time: formatTime(renew.data?.leaseExpiresAt ?? detail.leaseExpiresAt!) })}
          </p>
          <DecisionForm caseId={detail.id} onDone={setDone} />
        </>
      )}
      {leaseLost && (
        <p role="alert" className="error">
          {t('case.leaseLost')}
        </p>
      )}

      <section aria-labelledby="priority-heading">
        <h2 id="priority-heading">{t('case.priority')}</h2>
        <p>{t('case.points', { points: detail.priority })}</p>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('case.factor')}</th>
              <th scope="col">{t('case.pointsColumn')}</th>
              <th scope="col">{t('case.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {detail.priorityBreakdown.map((factor) => (
              <tr key={factor.factor}>
                <td>{factor.factor}</td>
                <td className="number">{factor.points}</td>
                <td dir="auto">{factor.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="reports-heading">
        <h2 id="reports-heading">{t('case.reports')}</h2>
        <ReportList reports={detail.reports} />
      </section>

      <section aria-labelledby="evidence-heading">
        <h2 id="evidence-heading">{t('case.evidenceFiles')}</h2>
        <EvidenceFiles detail={detail} />
      </section>

      <section aria-labelledby="linked-heading">
        <h2 id="linked-heading">{t('case.linked')}</h2>
        <LinkedChannels caseId={detail.id} channelId={detail.channel.id} links={detail.linkedChannels} />
      </section>

      {detail.decisions.length > 0 && (
        <section aria-labelledby="decisions-heading">
          <h2 id="decisions-heading">{t('case.decisions')}</h2>
          <ul>
            {detail.decisions.map((decision) => (
              <li key={decision.id}>
                <strong>{t(`enum.action.${decision.action}`)}</strong> · {decision.policy} ·{' '}
                {formatTime(decision.createdAt)}
                <p dir="auto">{decision.reason}</p>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="history-heading">
        <h2 id="history-heading">{t('case.history')}</h2>
        {detail.history.length === 0 ? (
          <p>{t('case.historyNone')}</p>
        ) : (
          <ol className="history">
            {detail.history.map((event) => (
              <li key={event.id}>
                <time dateTime={event.occurredAt}>{formatTime(event.occurredAt)}</time> ·{' '}
                <code>{event.action}</code> · {event.actor.role}
              </li>
            ))}
          </ol>
        )}
      </section>
    </article>
  );
}
