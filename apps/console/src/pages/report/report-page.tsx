import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { CATEGORIES, type Category, type Platform, PLATFORMS } from '@vigil/domain/taxonomy';
import { mapFieldErrors } from '../../api/errors';
import { type ReportInput, useSubmitReport } from '../../api/queries';
import { ErrorAlert } from '../../components/error-alert';
import { FieldMessages } from '../../components/field-messages';
import { useI18n } from '../../i18n/i18n';
import { recogniseChannel } from './channel-recognition';

const FIELDS = ['channel', 'platform', 'category', 'description', 'evidenceUrls', 'reporterContact'] as const;
type Field = (typeof FIELDS)[number];

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
  const describedBy = (field: Field, help?: string) =>
    [help, errors.fields[field] ? `report-${field}-error` : undefined].filter(Boolean).join(' ') || undefined;

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
        <label>
          {t('report.channel')}
          <input
            value={channel}
            onChange={(e) => setChannel(e.target.value)}
            required
            dir="ltr"
            autoComplete="off"
            spellCheck={false}
            aria-describedby={describedBy('channel', 'report-channel-help report-channel-recognition')}
          />
        </label>
        <p id="report-channel-help" className="help">
          {t('report.channelHelp')}
        </p>
        <p id="report-channel-recognition" className={recognition.kind === 'unrecognised' ? 'help warning' : 'help ok'} aria-live="polite">
          {recognition.kind === 'recognised' &&
            t('report.recognised', { platform: t(`enum.platform.${recognition.platform}`), key: recognition.key })}
          {recognition.kind === 'unrecognised' && recognition.message}
        </p>
        <FieldMessages id="report-channel-error" messages={errors.fields.channel} />
        <label>
          {t('report.platform')}
          <select value={platform} onChange={(e) => setPlatform(e.target.value as Platform | '')} aria-describedby={describedBy('platform')}>
            <option value="">{t('common.any')}</option>
            {PLATFORMS.map((value) => (
              <option key={value} value={value}>
                {t(`enum.platform.${value}`)}
              </option>
            ))}
          </select>
        </label>
        <FieldMessages id="report-platform-error" messages={errors.fields.platform} />
        <label>
          {t('report.category')}
          <select
            value={category}
            onChange={(e) => setCategory(e.target.value as Category)}
            aria-describedby={describedBy('category', 'report-category-help')}
          >
            {CATEGORIES.map((value) => (
              <option key={value} value={value}>
                {t(`enum.category.${value}`)}
              </option>
            ))}
          </select>
        </label>
        <p id="report-category-help" className="help">
          {t(`help.category.${category}`)}
        </p>
        <FieldMessages id="report-category-error" messages={errors.fields.category} />
        <label>
          {t('report.description')}
          <textarea
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            rows={5}
            maxLength={5000}
            required
            dir="auto"
            aria-describedby={describedBy('description')}
          />
        </label>
        <FieldMessages id="report-description-error" messages={errors.fields.description} />
        <label>
          {t('report.evidence')}
          <textarea
            value={evidence}
            onChange={(e) => setEvidence(e.target.value)}
            rows={3}
            dir="ltr"
            aria-describedby={describedBy('evidenceUrls', 'report-evidence-help')}
          />
        </label>
        <p id="report-evidence-help" className="help">
          {t('report.evidenceHelp')}
        </p>
        <FieldMessages id="report-evidenceUrls-error" messages={errors.fields.evidenceUrls} />
        <label>
          {t('report.contact')}
          <input
            type="email"
            value={contact}
            onChange={(e) => setContact(e.target.value)}
            autoComplete="email"
            aria-describedby={describedBy('reporterContact', 'report-contact-help')}
          />
        </label>
        <p id="report-contact-help" className="help">
          {t('report.contactHelp')}
        </p>
        <FieldMessages id="report-reporterContact-error" messages={errors.fields.reporterContact} />
        <button type="submit" className="primary" disabled={submit.isPending}>
          {t('report.submit')}
        </button>
      </form>
      {Object.keys(errors.fields).length === 0 && <ErrorAlert error={submit.error} />}
    </section>
  );
}
