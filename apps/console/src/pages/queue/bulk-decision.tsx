import { type FormEvent, useState } from 'react';
import { mapFieldErrors } from '../../api/errors';
import { useBulkDecide } from '../../api/queries';
import { FormErrorAlert } from '../../components/error-alert';
import { useI18n } from '../../i18n/i18n';
import { DECISION_FIELDS, decisionBody, DecisionFields, EMPTY_DECISION } from '../case/decision-fields';

/** Seniors and admins: one decision for the selected rows; the server skips (and says so) what it may not decide. */
export function BulkDecision({ caseIds, onDone }: { caseIds: string[]; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const bulk = useBulkDecide();
  const [draft, setDraft] = useState(EMPTY_DECISION);
  const errors = mapFieldErrors(bulk.error, DECISION_FIELDS);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    bulk.mutate(
      { ...decisionBody(draft), caseIds },
      {
        onSuccess: ({ results }) => {
          const decided = results.filter((r) => r.result === 'decided').length;
          onDone(t('queue.bulkDone', { decided, skipped: results.length - decided }));
        },
      },
    );
  };
  return (
    <form className="form bulk" aria-labelledby="bulk-heading" onSubmit={submit} noValidate>
      <h2 id="bulk-heading">{t('queue.bulk')}</h2>
      <p className="help">{t('queue.bulkHelp')}</p>
      <DecisionFields idPrefix="bulk" draft={draft} onChange={setDraft} errors={errors} />
      <FormErrorAlert error={bulk.error} mapped={errors} />
      <button type="submit" className="primary" disabled={bulk.isPending}>
        {t('queue.bulkSubmit', { count: caseIds.length })}
      </button>
    </form>
  );
}
