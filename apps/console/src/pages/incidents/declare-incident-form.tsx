import { type FormEvent, useState } from 'react';
import { CATEGORIES, PLATFORMS } from '@vigil/domain/taxonomy';
import { mapFieldErrors } from '../../api/errors';
import { useDeclareIncident } from '../../api/queries';
import { FormErrorAlert } from '../../components/error-alert';
import { Field } from '../../components/field';
import { FieldMessages } from '../../components/field-messages';
import { type MessageKey } from '../../i18n/en';
import { useI18n } from '../../i18n/i18n';
import { EMPTY_INCIDENT, INCIDENT_FIELDS, incidentBody, type IncidentDraft } from './incident-draft';

/** Declaring an incident (senior moderators and admins): the server's messages appear under their fields. */
export function DeclareIncidentForm() {
  const { t } = useI18n();
  const declare = useDeclareIncident();
  const [draft, setDraft] = useState(EMPTY_INCIDENT);
  const errors = mapFieldErrors(declare.error, INCIDENT_FIELDS);
  const set = (change: Partial<IncidentDraft>) => setDraft({ ...draft, ...change });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    declare.mutate(incidentBody(draft), { onSuccess: () => setDraft(EMPTY_INCIDENT) });
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby="declare-incident-heading">
      <h2 id="declare-incident-heading">{t('incidents.declare')}</h2>
      <Field id="incident-title" label={t('incidents.titleField')} errors={errors.fields.title}>
        {(control) => (
          <input
            {...control}
            value={draft.title}
            maxLength={200}
            dir="auto"
            onChange={(e) => set({ title: e.target.value })}
          />
        )}
      </Field>
      <Field
        id="incident-organization"
        label={t('incidents.organization')}
        help={t('incidents.organizationHelp')}
        errors={errors.fields.organization}
      >
        {(control) => (
          <input
            {...control}
            value={draft.organization}
            dir="auto"
            onChange={(e) => set({ organization: e.target.value })}
          />
        )}
      </Field>
      <Choices
        id="incident-platforms"
        legend="incidents.platforms"
        values={PLATFORMS}
        prefix="enum.platform."
        chosen={draft.platforms}
        onChange={(platforms) => set({ platforms })}
        errors={errors.fields.platforms}
      />
      <Choices
        id="incident-categories"
        legend="incidents.categories"
        values={CATEGORIES}
        prefix="enum.category."
        chosen={draft.categories}
        onChange={(categories) => set({ categories })}
        errors={errors.fields.categories}
      />
      <Field
        id="incident-boost"
        label={t('incidents.boost')}
        help={t('incidents.boostHelp')}
        errors={errors.fields.boost}
      >
        {(control) => (
          <input
            {...control}
            type="number"
            min={1}
            max={50}
            step={1}
            value={draft.boost}
            onChange={(e) => set({ boost: e.target.value })}
          />
        )}
      </Field>
      <Field
        id="incident-slaHours"
        label={t('incidents.slaHours')}
        help={t('incidents.slaHoursHelp')}
        errors={errors.fields.slaHours}
      >
        {(control) => (
          <input
            {...control}
            type="number"
            min={0.25}
            step="any"
            value={draft.slaHours}
            onChange={(e) => set({ slaHours: e.target.value })}
          />
        )}
      </Field>
      <Field
        id="incident-endsAt"
        label={t('incidents.endsAtField')}
        help={t('incidents.endsAtHelp')}
        errors={errors.fields.endsAt}
      >
        {(control) => (
          <input
            {...control}
            type="datetime-local"
            value={draft.endsAt}
            onChange={(e) => set({ endsAt: e.target.value })}
          />
        )}
      </Field>
      <button type="submit" className="primary" disabled={declare.isPending}>
        {t('incidents.declareSubmit')}
      </button>
      <p role="status" className="status-line">
        {declare.data ? t('incidents.declared', { title: declare.data.title }) : ''}
      </p>
      <FormErrorAlert error={declare.error} mapped={errors} />
    </form>
  );
}

/** A group of checkboxes; none chosen means every one. */
function Choices<V extends string>(props: {
  id: string;
  legend: MessageKey;
  values: readonly V[];
  prefix: 'enum.platform.' | 'enum.category.';
  chosen: V[];
  onChange: (chosen: V[]) => void;
  errors: string[] | undefined;
}) {
  const { id, legend, values, prefix, chosen, onChange, errors } = props;
  const { t } = useI18n();
  return (
    <>
      <fieldset className="checks" aria-describedby={`${id}-help${errors?.length ? ` ${id}-error` : ''}`}>
        <legend>{t(legend)}</legend>
        {values.map((value) => (
          <label key={value}>
            <input
              type="checkbox"
              checked={chosen.includes(value)}
              onChange={(e) => onChange(e.target.checked ? [...chosen, value] : chosen.filter((v) => v !== value))}
            />
            {t(`${prefix}${value}` as MessageKey)}
          </label>
        ))}
      </fieldset>
      <p id={`${id}-help`} className="help">
        {t('incidents.noneMeansEvery')}
      </p>
      <FieldMessages id={`${id}-error`} messages={errors} />
    </>
  );
}
