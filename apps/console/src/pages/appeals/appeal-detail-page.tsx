import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { mapFieldErrors } from '../../api/errors';
import { type Schemas, useCase, useOpenAppeals, useResolveAppeal } from '../../api/queries';
import { ErrorAlert, FormErrorAlert } from '../../components/error-alert';
import { Field } from '../../components/field';
import { useI18n } from '../../i18n/i18n';
import { useSession } from '../../session/use-session';

export function AppealDetailPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const appeals = useOpenAppeals();
  const appeal = appeals.data?.items.find((item) => item.id === id);
  if (appeals.isPending) return <p>{t('common.loading')}</p>;
  if (appeals.error) return <ErrorAlert error={appeals.error} />;
  if (!appeal) return <p role="alert">{t('error.notFound')}</p>;
  return <AppealView appeal={appeal} />;
}

function AppealView({ appeal }: { appeal: Schemas['AppealDto'] }) {
  const { t, formatTime } = useI18n();
  const session = useSession();
  const found = useCase(appeal.caseId);
  const resolve = useResolveAppeal(appeal.id);
  const [reason, setReason] = useState('');
  const [resolved, setResolved] = useState('');
  const decision = found.data?.decisions.find((item) => item.id === appeal.decisionId);
  // Shown, not decided here: the server refuses (403) the decision's author; the page says so before they try.
  const ownDecision = !!decision && decision.decidedBy === session?.user.id;
  const errors = mapFieldErrors(resolve.error, ['reason'] as const);
  const send = (outcome: 'upheld' | 'reversed') =>
    resolve.mutate(
      { outcome, reason },
      { onSuccess: (done) => setResolved(t('appeals.resolved', { outcome: t(`enum.appeal.${done.status}`) })) },
    );
  return (
    <article>
      <h1>{t('appeals.detailTitle')}</h1>
      <p dir="auto" className="user-text">
        {appeal.reason}
      </p>
      <section aria-labelledby="under-appeal">
        <h2 id="under-appeal">{t('appeals.underAppeal')}</h2>
        <ErrorAlert error={found.error} />
        {found.data && (
          <p>
            <Link to={`/cases/${found.data.id}`} dir="auto">
              {found.data.channel.key}
            </Link>
          </p>
        )}
        {decision && (
          <>
            <p>
              <strong>{t(`enum.action.${decision.action}`)}</strong> · {decision.policy} ·{' '}
              {t('appeals.decidedBy', {
                who: ownDecision ? t('appeals.you') : decision.decidedBy,
                time: formatTime(decision.createdAt),
              })}
            </p>
            <p dir="auto" className="user-text">
              {decision.reason}
            </p>
          </>
        )}
      </section>
      <p role="status" className={ownDecision && !resolved ? 'note' : 'status-line'}>
        {resolved || (ownDecision ? t('appeals.fourEyes') : '')}
      </p>
      {!resolved && appeal.status !== 'open' && (
        <p>{t('appeals.notOpen', { status: t(`enum.appeal.${appeal.status}`) })}</p>
      )}
      {!resolved && appeal.status === 'open' && (
        <form className="form" onSubmit={(e) => e.preventDefault()} noValidate>
          <Field id="resolve-reason" label={t('appeals.reason')} errors={errors.fields.reason}>
            {(control) => (
              <textarea
                {...control}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                rows={4}
                dir="auto"
                disabled={ownDecision}
              />
            )}
          </Field>
          <div className="buttons">
            <button
              type="button"
              className="primary"
              disabled={ownDecision || resolve.isPending}
              onClick={() => send('upheld')}
            >
              {t('appeals.uphold')}
            </button>
            <button type="button" disabled={ownDecision || resolve.isPending} onClick={() => send('reversed')}>
              {t('appeals.reverse')}
            </button>
          </div>
          <FormErrorAlert error={resolve.error} mapped={errors} />
        </form>
      )}
    </article>
  );
}
