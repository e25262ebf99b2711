import { type FormEvent, useState } from 'react';
import { DECISION_ACTIONS } from '@vigil/domain/taxonomy';
import { mapFieldErrors } from '../../api/errors';
import { type Decision, useRecordDecision, useReleaseLease } from '../../api/queries';
import { ErrorAlert } from '../../components/error-alert';
import { FieldMessages } from '../../components/field-messages';
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
  const described = (field: (typeof FIELDS)[number]) => (errors.fields[field] ? `decision-${field}-error` : undefined);
  return (
    <form className="form decision" aria-labelledby="decision-heading" onSubmit={submit} noValidate>
      <h2 id="decision-heading">{t('case.decision')}</h2>
      <label>
        {t('case.action')}
        <select value={action} onChange={(e) => setAction(e.target.value as Decision['action'])} aria-describedby={described('action')}>
          {DECIDING.map((value) => (
            <option key={value} value={value}>
              {t(`enum.action.${value}`)}
            </option>
          ))}
        </select>
      </label>
      <FieldMessages id="decision-action-error" messages={errors.fields.action} />
      <label>
        {t('case.policy')}
        <input value={policy} maxLength={100} onChange={(e) => setPolicy(e.target.value)} aria-describedby={described('policy')} />
      </label>
      <FieldMessages id="decision-policy-error" messages={errors.fields.policy} />
      <label>
        {t('case.reason')}
        <textarea
          value={reason}
          rows={5}
          maxLength={5000}
          dir="auto"
          onChange={(e) => setReason(e.target.value)}
          aria-describedby={described('reason') ?? 'decision-reason-help'}
        />
      </label>
      <p id="decision-reason-help" className="help">
        {t('case.reasonHelp')}
      </p>
      <FieldMessages id="decision-reason-error" messages={errors.fields.reason} />
      <label>
        {t('case.legalGround')}
        <input
          value={legalGround}
          maxLength={500}
          onChange={(e) => setLegalGround(e.target.value)}
          aria-describedby={described('legalGround')}
        />
      </label>
      <FieldMessages id="decision-legalGround-error" messages={errors.fields.legalGround} />
      {Object.keys(errors.fields).length === 0 ? (
        <ErrorAlert error={record.error} />
      ) : (
        <FieldMessages id="decision-general-error" messages={errors.general} />
      )}
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
