import { DECISION_ACTIONS } from '@vigil/domain/taxonomy';
import type { FieldErrors } from '../../api/errors';
import type { Decision } from '../../api/queries';
import { Field } from '../../components/field';
import { useI18n } from '../../i18n/i18n';

export const DECISION_FIELDS = ['action', 'policy', 'reason', 'legalGround'] as const;
/** Escalate has its own button; the select offers the deciding actions. */
const DECIDING = DECISION_ACTIONS.filter((action) => action !== 'escalate');

export type DecisionDraft = Decision;
export const EMPTY_DECISION: DecisionDraft = { action: 'takedown', policy: '', reason: '', legalGround: '' };

/** The body to send: an empty legal ground is left out (it is optional, and the API refuses an empty string). */
export function decisionBody(draft: DecisionDraft, action = draft.action): Decision {
  const { legalGround, ...rest } = draft;
  return { ...rest, action, ...(legalGround?.trim() ? { legalGround } : {}) };
}

/** Action, Policy, Statement of reasons, Legal ground: one case's decision form and the queue's bulk one. */
export function DecisionFields(props: {
  idPrefix: string;
  draft: DecisionDraft;
  onChange: (draft: DecisionDraft) => void;
  errors: FieldErrors<(typeof DECISION_FIELDS)[number]>;
}) {
  const { idPrefix, draft, onChange, errors } = props;
  const { t } = useI18n();
  return (
    <>
      <Field id={`${idPrefix}-action`} label={t('case.action')} errors={errors.fields.action}>
        {(control) => (
          <select
            {...control}
            value={draft.action}
            onChange={(e) => onChange({ ...draft, action: e.target.value as Decision['action'] })}
          >
            {DECIDING.map((value) => (
              <option key={value} value={value}>
                {t(`enum.action.${value}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={`${idPrefix}-policy`} label={t('case.policy')} errors={errors.fields.policy}>
        {(control) => (
          <input
            {...control}
            value={draft.policy}
            maxLength={100}
            onChange={(e) => onChange({ ...draft, policy: e.target.value })}
          />
        )}
      </Field>
      <Field
        id={`${idPrefix}-reason`}
        label={t('case.reason')}
        help={t('case.reasonHelp')}
        errors={errors.fields.reason}
      >
        {(control) => (
          <textarea
            {...control}
            value={draft.reason}
            rows={5}
            maxLength={5000}
            dir="auto"
            onChange={(e) => onChange({ ...draft, reason: e.target.value })}
          />
        )}
      </Field>
      <Field id={`${idPrefix}-legalGround`} label={t('case.legalGround')} errors={errors.fields.legalGround}>
        {(control) => (
          <input
            {...control}
            value={draft.legalGround ?? ''}
            maxLength={500}
            onChange={(e) => onChange({ ...draft, legalGround: e.target.value })}
          />
        )}
      </Field>
    </>
  );
}
