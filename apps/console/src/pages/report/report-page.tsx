import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { CATEGORIES, type Category, type Platform, PLATFORMS } from '@vigil/domain/taxonomy';
import { mapFieldErrors } from '../../api/errors';
import { type ReportInput, useSubmitReport } from '../../api/queries';
import { FormErrorAlert } from '../../components/error-alert';
import { Field } from '../../components/field';
import { useI18n } from '../../i18n/i18n';
import { recogniseChannel } from './channel-recognition';

const FIELDS = ['channel', 'platform', 'category', 'description', 'evidenceUrls', 'reporterContact'] as const;

export function ReportPage() {
  const { t } = useI18n();
  const submit = useSubmitReport();
  const [channel, setChannel] = useState('');
  const [platform, setPlatform] = useState<Platform | ''>('');
  const [category, setCategory] = useState<Category>('propaganda');
  const [description, setDescription] = useState('');
  const [evidence, setEvidence] = useState('');
  const [contact, setContact] = useState('');
  const recognition = recogniseChannel(channel, platform || undefined);
  // A 400 that names no field is about the channel: the server's canonicaliser refused it.
  const errors = mapFieldErrors(submit.error, FIELDS, 'channel');

  const send = (event: FormEvent) => {
    event.preventDefault();
    const body: ReportInput = {
      channel,
      category,
      description,
      ...(platform ? { platform } : {}),
      ...(contact.trim() ? { reporterContact: contact.trim() } : {}),
    };
    const evidenceUrls = evidence.split(/\s+/).filter(Boolean);
    if (evidenceUrls.length > 0) body.evidenceUrls = evidenceUrls;
    submit.mutate(body);
  };

  if (submit.data) {
    const sent = submit.data;
    return (
      <section className="narrow">
        <h1>{t('report.sent')}</h1>
        {sent.warning && (
          <p className="warning" dir="auto">
            {sent.warning}
          </p>
        )}
        <p>{t('report.keep')}</p>
        <dl className="facts">
          <div>
            <dt>{t('report.id')}</dt>
            <dd>
              <code>{sent.id}</code>
            </dd>
          </div>
          <div>
            <dt>{t('report.token')}</dt>
            <dd>
              <code>{sent.trackingToken}</code>
            </dd>
          </div>
          <div>
            <dt>{t('queue.channel')}</dt>
            <dd dir="auto">{sent.channel.key}</dd>
          </div>
        </dl>
        {/* The token goes through the router's state, not the address, so it stays out of history and logs. */}
        <p>
          <Link to="/track" state={{ id: sent.id, token: sent.trackingToken }}>
            {t('report.trackLink')}
          </Link>
        </p>
        <button type="button" onClick={() => submit.reset()}>
          {t('report.another')}
        </button>
      </section>
    );
  }

  return (
    <section className="narrow">
      <h1>{t('report.title')}</h1>
      <p>{t('report.intro')}</p>
      <form className="form" onSubmit={send} noValidate>
        <Field
          id="report-channel"
          label={t('report.channel')}
          help={t('report.channelHelp')}
          errors={errors.fields.channel}
          describedBy={['report-channel-recognition']}
        >
          {(control) => (
            <input
              {...control}
              value={channel}
              onChange={(e) => setChannel(e.target.value)}
              required
              dir="ltr"
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
        <p
          id="report-channel-recognition"
          className={recognition.kind === 'unrecognised' ? 'help warning' : 'help ok'}
          aria-live="polite"
        >
          {recognition.kind === 'recognised' &&
            t('report.recognised', { platform: t(`enum.platform.${recognition.platform}`), key: recognition.key })}
          {recognition.kind === 'unrecognised' && recognition.message}
        </p>
        <Field id="report-platform" label={t('report.platform')} errors={errors.fields.platform}>
          {(control) => (
            <select {...control} value={platform} onChange={(e) => setPlatform(e.target.value as Platform | '')}>
              <option value="">{t('common.any')}</option>
              {PLATFORMS.map((value) => (
                <option key={value} value={value}>
                  {t(`enum.platform.${value}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          id="report-category"
          label={t('report.category')}
          help={t(`help.category.${category}`)}
          errors={errors.fields.category}
        >
          {(control) => (
            <select {...control} value={category} onChange={(e) => setCategory(e.target.value as Category)}>
              {CATEGORIES.map((value) => (
                <option key={value} value={value}>
                  {t(`enum.category.${value}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="report-description" label={t('report.description')} errors={errors.fields.description}>
          {(control) => (
            <textarea
              {...control}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              rows={5}
              maxLength={5000}
              required
              dir="auto"
            />
          )}
        </Field>
        <Field
          id="report-evidenceUrls"
          label={t('report.evidence')}
          help={t('report.evidenceHelp')}
          errors={errors.fields.evidenceUrls}
        >
          {(control) => (
            <textarea {...control} value={evidence} onChange={(e) => setEvidence(e.target.value)} rows={3} dir="ltr" />
          )}
        </Field>
        <Field
          id="report-reporterContact"
          label={t('report.contact')}
          help={t('report.contactHelp')}
          errors={errors.fields.reporterContact}
        >
          {(control) => (
            <input
              {...control}
              type="email"
              value={contact}
              onChange={(e) => setContact(e.target.value)}
              autoComplete="email"
            />
          )}
        </Field>
        <button type="submit" className="primary" disabled={submit.isPending}>
          {t('report.submit')}
        </button>
      </form>
      <FormErrorAlert error={submit.error} mapped={errors} />
    </section>
  );
}
