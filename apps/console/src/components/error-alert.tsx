import { describeError, type FieldErrors } from '../api/errors';
import { useI18n } from '../i18n/i18n';
import { FieldMessages } from './field-messages';

/** An error as one sentence, announced (role alert). */
export function ErrorAlert({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {describeError(error, t)}
    </p>
  );
}

/**
 * A form's error: when the server's messages went next to their fields, only those that name no field are listed
 * here; otherwise the whole error as one sentence.
 */
export function FormErrorAlert({ error, mapped }: { error: unknown; mapped: FieldErrors<string> }) {
  if (Object.keys(mapped.fields).length === 0) return <ErrorAlert error={error} />;
  return <FieldMessages id="form-general-error" messages={mapped.general} />;
}
