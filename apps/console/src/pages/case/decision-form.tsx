import { type FormEvent, useState } from 'react';
import { DECISION_ACTIONS } from '@vigil/domain/taxonomy';
import { mapFieldErrors } from '../../api/errors';
import { type Decision, useRecordDecision, useReleaseLease } from '../../api/queries';
import { ErrorAlert, FormErrorAlert } from '../../components/error-alert';
import { Field } from '../../components/field';
import { useI18n } from '../../i18n/i18n';

const FIELDS = ['action', 'policy', 'reason', 'legalGround'] as const;
/** Escalate has its own button; the select offers the deciding actions. */
const DECIDING = DECISION_ACTIONS.filter((action) => action !== 'escalate');

/** The lease holder's form: decide, escalate to a senior, or release the case back to the queue. */
export function DecisionForm({ caseId, onDone }: { caseId: string; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const record = useRecordDecision(caseId);
  const release = useReleaseLease(caseId);
  const [action, setAction] = useState<Decision['action']>('takedown');
  const [policy, setPolicy] = useState('');
  const [reason, setReason] = useState('');
  const [legalGround, setLegalGround] = useState('');
  const errors = mapFieldErrors(record.error, FIELDS);

  const send = (chosen: Decision['action']) => {
    record.mutate(
      { action: chosen, policy, reason, ...(legalGround.trim() ? { legalGround } : {}) },
      {
        onSuccess: (decision) =>
          onDone(
            decision.action === 'escalate'
              ? t('case.escalated')
              : t('case.recorded', { action: t(`enum.action.${decision.action}`) }),
          ),
      },
    );
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    send(action);
  };
  return (
    <form className="form decision" aria-labelledby="decision-heading" onSubmit={submit} noValidate>
      <h2 id="decision-heading">{t('case.decision')}</h2>
      <Field id="decision-action" label={t('case.action')} errors={errors.fields.action}>
        {(control) => (
          <select {...control} value={action} onChange={(e) => setAction(e.target.value as Decision['action'])}>
            {DECIDING.map((value) => (
              <option key={value} value={value}>
                {t(`enum.action.${value}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="decision-policy" label={t('case.policy')} errors={errors.fields.policy}>
        {(control) => <input {...control} value={policy} maxLength={100} onChange={(e) => setPolicy(e.target.value)} />}
      </Field>
      <Field id="decision-reason" label={t('case.reason')} help={t('case.reasonHelp')} errors={errors.fields.reason}>
        {(control) => (
          <textarea {...control} value={reason} rows={5} maxLength={5000} dir="auto" onChange={(e) => setReason(e.target.value)} />
        )}
      </Field>
      <Field id="decision-legalGround" label={t('case.legalGround')} errors={errors.fields.legalGround}>
        {(control) => <input {...control} value={legalGround} maxLength={500} onChange={(e) => setLegalGround(e.target.value)} />}
      </Field>
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
