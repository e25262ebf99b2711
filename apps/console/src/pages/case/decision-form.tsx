import { type FormEvent, useState } from 'react';
import { mapFieldErrors } from '../../api/errors';
import { type Decision, useRecordDecision, useReleaseLease } from '../../api/queries';
import { ErrorAlert, FormErrorAlert } from '../../components/error-alert';
import { useI18n } from '../../i18n/i18n';
import { DECISION_FIELDS, decisionBody, DecisionFields, EMPTY_DECISION } from './decision-fields';

/** The lease holder's form: decide, escalate to a senior, or release the case back to the queue. */
export function DecisionForm({ caseId, onDone }: { caseId: string; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const record = useRecordDecision(caseId);
  const release = useReleaseLease(caseId);
  const [draft, setDraft] = useState(EMPTY_DECISION);
  const errors = mapFieldErrors(record.error, DECISION_FIELDS);

  const send = (action: Decision['action']) => {
    record.mutate(decisionBody(draft, action), {
      onSuccess: (decision) =>
        onDone(
          decision.action === 'escalate'
            ? t('case.escalated')
            : t('case.recorded', { action: t(`enum.action.${decision.action}`) }),
        ),
    });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    send(draft.action);
  };
  return (
    <form className="form decision" aria-labelledby="decision-heading" onSubmit={submit} noValidate>
      <h2 id="decision-heading">{t('case.decision')}</h2>
      <DecisionFields idPrefix="decision" draft={draft} onChange={setDraft} errors={errors} />
      <FormErrorAlert error={record.error} mapped={errors} />
      <div className="buttons">
        <button type="submit" className="primary" disabled={record.isPending}>
          {t('case.record')}
        </button>
        <button type="button" onClick={() => send('escalate')} disabled={record.isPending}>
          {t('case.escalate')}
        </button>
        <button
          type="button"
          onClick={() => release.mutate(undefined, { onSuccess: () => onDone(t('case.released')) })}
          disabled={release.isPending}
        >
          {t('case.release')}
        </button>
      </div>
      <ErrorAlert error={release.error} />
    </form>
  );
}
