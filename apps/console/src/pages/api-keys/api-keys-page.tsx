import { type FormEvent, useState } from 'react';
import { API_KEY_ROLES, type ApiKeyRole } from '@vigil/domain/taxonomy';
import { mapFieldErrors } from '../../api/errors';
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from '../../api/queries';
import { ErrorAlert, FormErrorAlert } from '../../components/error-alert';
import { Field } from '../../components/field';
import { useI18n } from '../../i18n/i18n';

const FIELDS = ['name', 'role', 'organization'] as const;

export function ApiKeysPage() {
  const { t, formatTime } = useI18n();
  const keys = useApiKeys();
  const create = useCreateApiKey();
  const revoke = useRevokeApiKey();
  const [name, setName] = useState('');
  const [role, setRole] = useState<ApiKeyRole>('trusted_flagger');
  const [organization, setOrganization] = useState('');
  const [copied, setCopied] = useState(false);
  const errors = mapFieldErrors(create.error, FIELDS);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setCopied(false);
    create.mutate({ name, role, organization });
  };
  return (
    <section>
      <h1>{t('apiKeys.title')}</h1>
      <form className="form" onSubmit={submit} noValidate>
        <Field id="key-name" label={t('apiKeys.name')} errors={errors.fields.name}>
          {(control) => <input {...control} value={name} onChange={(e) => setName(e.target.value)} dir="auto" />}
        </Field>
        <Field id="key-role" label={t('apiKeys.role')} errors={errors.fields.role}>
          {(control) => (
            <select {...control} value={role} onChange={(e) => setRole(e.target.value as ApiKeyRole)}>
              {API_KEY_ROLES.map((value) => (
                <option key={value} value={value}>
                  {t(`enum.role.${value}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="key-organization" label={t('apiKeys.organization')} errors={errors.fields.organization}>
          {(control) => (
            <input {...control} value={organization} onChange={(e) => setOrganization(e.target.value)} dir="auto" />
          )}
        </Field>
        <button type="submit" className="primary" disabled={create.isPending}>
          {t('apiKeys.create')}
        </button>
        <FormErrorAlert error={create.error} mapped={errors} />
      </form>
      {/* The key exists only in this mutation's result: once the page is left, nobody can read it again. */}
      {create.data && (
        <div role="status" className="note">
          <p>{t('apiKeys.created')}</p>
          <label className="key">
            {t('apiKeys.key')}
            <input readOnly value={create.data.key} dir="ltr" onFocus={(e) => e.target.select()} />
          </label>
          <button
            type="button"
            onClick={() => void navigator.clipboard.writeText(create.data.key).then(() => setCopied(true))}
          >
            {t('apiKeys.copy')}
          </button>{' '}
          {copied && <span>{t('apiKeys.copied')}</span>}
        </div>
      )}
      <ErrorAlert error={keys.error ?? revoke.error} />
      {keys.data?.length === 0 && <p>{t('apiKeys.none')}</p>}
      {!!keys.data?.length && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('apiKeys.name')}</th>
              <th scope="col">{t('apiKeys.prefix')}</th>
              <th scope="col">{t('apiKeys.role')}</th>
              <th scope="col">{t('apiKeys.organization')}</th>
              <th scope="col">{t('apiKeys.state')}</th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((key) => (
              <tr key={key.id}>
                <td dir="auto">{key.name}</td>
                <td>
                  <code>{key.keyPrefix}</code>
                </td>
                <td>{t(`enum.role.${key.role}`)}</td>
                <td dir="auto">{key.organization}</td>
                <td>
                  {key.revokedAt ? (
                    t('apiKeys.revoked', { time: formatTime(key.revokedAt) })
                  ) : (
                    <>
                      {t('apiKeys.active')}{' '}
                      <button type="button" onClick={() => revoke.mutate(key.id)} disabled={revoke.isPending}>
                        {t('apiKeys.revoke')}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
