import { type FormEvent, useState } from 'react';
import { ApiError, mapFieldErrors } from '../../api/errors';
import { useFileAppeal } from '../../api/queries';
import { ErrorAlert } from '../../components/error-alert';
import { FieldMessages } from '../../components/field-messages';
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
          <label>
            {t('appeal.decisionId')}
            <input value={decisionId} onChange={(e) => setDecisionId(e.target.value)} required dir="ltr" aria-describedby={errors.fields.decisionId ? 'appeal-decisionId-error' : undefined} />
          </label>
          <FieldMessages id="appeal-decisionId-error" messages={errors.fields.decisionId} />
          <label>
            {t('appeal.token')}
            <input value={token} onChange={(e) => setToken(e.target.value)} required dir="ltr" aria-describedby="appeal-token-help" />
          </label>
          <p id="appeal-token-help" className="help">
            {t('appeal.tokenHelp')}
          </p>
          <FieldMessages id="appeal-token-error" messages={errors.fields.token} />
          <label>
            {t('appeal.reason')}
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={5} maxLength={5000} required dir="auto" aria-describedby={errors.fields.reason ? 'appeal-reason-error' : undefined} />
          </label>
          <FieldMessages id="appeal-reason-error" messages={errors.fields.reason} />
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
        Object.keys(errors.fields).length === 0 && <ErrorAlert error={file.error} />
      )}
    </section>
  );
}
