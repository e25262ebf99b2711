import { type FormEvent, useState } from 'react';
import { STAFF_ROLES, type StaffRole } from '@vigil/domain/taxonomy';
import { mapFieldErrors } from '../../api/errors';
import { useCreateUser, useUpdateUser, useUsers } from '../../api/queries';
import { ErrorAlert, FormErrorAlert } from '../../components/error-alert';
import { Field } from '../../components/field';
import { FieldMessages } from '../../components/field-messages';
import { useI18n } from '../../i18n/i18n';
import { useSession } from '../../session/use-session';

const FIELDS = ['email', 'displayName', 'password', 'roles', 'languages'] as const;

export function UsersPage() {
  const { t } = useI18n();
  const session = useSession();
  const users = useUsers();
  const update = useUpdateUser();
  return (
    <section>
      <h1>{t('users.title')}</h1>
      <AddUser />
      <ErrorAlert error={users.error ?? update.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">{t('users.name')}</th>
            <th scope="col">{t('users.email')}</th>
            <th scope="col">{t('users.roles')}</th>
            <th scope="col">{t('users.languages')}</th>
            <th scope="col">{t('users.state')}</th>
          </tr>
        </thead>
        <tbody>
          {users.data?.map((user) => (
            <tr key={user.id}>
              <td dir="auto">{user.displayName}</td>
              <td>{user.email}</td>
              <td>{user.roles.map((role) => t(`enum.role.${role}`)).join(', ')}</td>
              <td>{user.languages.join(', ')}</td>
              <td>
                {user.disabled ? t('users.disabled') : t('users.active')}{' '}
                {user.id !== session?.user.id && (
                  <button
                    type="button"
                    aria-label={`${user.disabled ? t('users.enable') : t('users.disable')} ${user.email}`}
                    onClick={() => update.mutate({ id: user.id, disabled: !user.disabled })}
                  >
                    {user.disabled ? t('users.enable') : t('users.disable')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function AddUser() {
  const { t } = useI18n();
  const create = useCreateUser();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<StaffRole[]>(['moderator']);
  const [languages, setLanguages] = useState('');
  const errors = mapFieldErrors(create.error, FIELDS);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const tags = languages.split(/[\s,]+/).filter(Boolean);
    create.mutate(
      { email, displayName, password, roles, ...(tags.length ? { languages: tags } : {}) },
      {
        onSuccess: () => {
          setEmail('');
          setDisplayName('');
          setPassword('');
          setLanguages('');
        },
      },
    );
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby="add-user-heading">
      <h2 id="add-user-heading">{t('users.add')}</h2>
      <Field id="user-email" label={t('users.email')} errors={errors.fields.email}>
        {(control) => (
          <input
            {...control}
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoComplete="off"
          />
        )}
      </Field>
      <Field id="user-displayName" label={t('users.displayName')} errors={errors.fields.displayName}>
        {(control) => (
          <input {...control} value={displayName} onChange={(e) => setDisplayName(e.target.value)} dir="auto" />
        )}
      </Field>
      <Field
        id="user-password"
        label={t('users.password')}
        help={t('users.passwordHelp')}
        errors={errors.fields.password}
      >
        {(control) => (
          <input
            {...control}
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password"
          />
        )}
      </Field>
      <fieldset className="checks">
        <legend>{t('users.roles')}</legend>
        {STAFF_ROLES.map((role) => (
          <label key={role}>
            <input
              type="checkbox"
              checked={roles.includes(role)}
              onChange={(e) => setRoles(e.target.checked ? [...roles, role] : roles.filter((r) => r !== role))}
            />
            {t(`enum.role.${role}`)}
          </label>
        ))}
      </fieldset>
      <FieldMessages id="user-roles-error" messages={errors.fields.roles} />
      <Field
        id="user-languages"
        label={t('users.languages')}
        help={t('users.languagesHelp')}
        errors={errors.fields.languages}
      >
        {(control) => <input {...control} value={languages} onChange={(e) => setLanguages(e.target.value)} dir="ltr" />}
      </Field>
      <button type="submit" className="primary" disabled={create.isPending}>
        {t('users.add')}
      </button>
      <p role="status" className="status-line">
        {create.data ? t('users.added', { email: create.data.email }) : ''}
      </p>
      <FormErrorAlert error={create.error} mapped={errors} />
    </form>
  );
}
