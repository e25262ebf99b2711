import { type FormEvent, useState } from 'react';
import { ApiError, mapFieldErrors } from '../../api/errors';
import { useFileAppeal } from '../../api/queries';
import { FormErrorAlert } from '../../components/error-alert';
import { Field } from '../../components/field';
import { useI18n } from '../../i18n/i18n';

const FIELDS = ['decisionId', 'token', 'reason'] as const;

export function AppealPage() {
  const { t } = useI18n();
  const file = useFileAppeal();
  const [decisionId, setDecisionId] = useState('');
  const [token, setToken] = useState('');
  const [reason, setReason] = useState('');
  const errors = mapFieldErrors(file.error, FIELDS);
  const send = (event: FormEvent) => {
    event.preventDefault();
    file.mutate({ decisionId: decisionId.trim(), token: token.trim(), reason });
  };
  const notFound = file.error instanceof ApiError && file.error.status === 404;
  return (
    <section className="narrow">
      <h1>{t('appeal.title')}</h1>
      {file.data ? (
        <p role="status">{t('appeal.sent', { id: file.data.id })}</p>
      ) : (
        <form className="form" onSubmit={send} noValidate>
          <Field id="appeal-decisionId" label={t('appeal.decisionId')} errors={errors.fields.decisionId}>
            {(control) => (
              <input
                {...control}
                value={decisionId}
                onChange={(e) => setDecisionId(e.target.value)}
                required
                dir="ltr"
              />
            )}
          </Field>
          <Field id="appeal-token" label={t('appeal.token')} help={t('appeal.tokenHelp')} errors={errors.fields.token}>
            {(control) => (
              <input {...control} value={token} onChange={(e) => setToken(e.target.value)} required dir="ltr" />
            )}
          </Field>
          <Field id="appeal-reason" label={t('appeal.reason')} errors={errors.fields.reason}>
            {(control) => (
              <textarea
                {...control}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                rows={5}
                maxLength={5000}
                required
                dir="auto"
              />
            )}
          </Field>
          <button type="submit" className="primary" disabled={file.isPending}>
            {t('appeal.submit')}
          </button>
        </form>
      )}
      {notFound ? (
        <p role="alert" className="error">
          {t('appeal.notFound')}
        </p>
      ) : (
        <FormErrorAlert error={file.error} mapped={errors} />
      )}
    </section>
  );
}
