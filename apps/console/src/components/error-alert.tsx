import { describeError } from '../api/errors';
import { useI18n } from '../i18n/i18n';

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
