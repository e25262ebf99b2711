import { useEffect, useState } from 'react';
import { type CaseDetail, type Evidence, useEvidenceDownload, useEvidenceFile } from '../../api/queries';
import { ErrorAlert } from '../../components/error-alert';
import { saveBlob } from '../../components/save-blob';
import { type Translate, useI18n } from '../../i18n/i18n';

const IMAGE_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];
const EXTENSIONS: Record<Evidence['contentType'], string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'application/pdf': 'pdf',
  'video/mp4': 'mp4',
};

/**
 * The case's evidence files and how long they are preserved. Images are shown blurred and in greyscale until the
 * moderator reveals one (moderator wellbeing); other files are only downloaded, never shown in the page.
 */
export function EvidenceFiles({ detail }: { detail: Pick<CaseDetail, 'evidence' | 'preservedUntil' | 'legalHolds'> }) {
  const { t, formatTime } = useI18n();
  return (
    <>
      {detail.preservedUntil && <p>{t('case.preservedUntil', { time: formatTime(detail.preservedUntil) })}</p>}
      {detail.legalHolds.length > 0 && (
        <ul aria-label={t('case.legalHolds')}>
          {detail.legalHolds.map((hold) => (
            <li key={hold.id}>
              {t('case.legalHoldUntil', { time: formatTime(hold.until) })} <span dir="auto">{hold.reason}</span>
            </li>
          ))}
        </ul>
      )}
      {detail.evidence.length === 0 ? (
        <p>{t('case.evidenceNone')}</p>
      ) : (
        <>
          <p className="warning">{t('case.evidenceFilesWarning')}</p>
          <table className="evidence">
            <thead>
              <tr>
                <th scope="col">{t('case.evidenceType')}</th>
                <th scope="col">{t('case.evidenceSize')}</th>
                <th scope="col">{t('case.evidenceSha256')}</th>
                <th scope="col">{t('case.evidenceAdded')}</th>
                <th scope="col">{t('case.evidenceFile')}</th>
              </tr>
            </thead>
            <tbody>
              {detail.evidence.map((file, index) => (
                <tr key={file.id}>
                  <td>{file.contentType}</td>
                  <td className="number">{formatSize(file.size, t)}</td>
                  <td>
                    <code className="hash">{file.sha256}</code>
                  </td>
                  <td>{formatTime(file.addedAt)}</td>
                  <td>
                    {file.erasedAt ? (
                      t('case.evidenceErased', { time: formatTime(file.erasedAt) })
                    ) : IMAGE_TYPES.includes(file.contentType) ? (
                      <EvidenceImage id={file.id} number={index + 1} />
                    ) : (
                      <EvidenceDownload file={file} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}

function formatSize(bytes: number, t: Translate): string {
  if (bytes < 1024) return t('case.evidenceBytes', { size: bytes });
  if (bytes < 1024 * 1024) return t('case.evidenceKib', { size: (bytes / 1024).toFixed(1) });
  return t('case.evidenceMib', { size: (bytes / (1024 * 1024)).toFixed(1) });
}

function EvidenceImage({ id, number }: { id: string; number: number }) {
  const { t } = useI18n();
  const file = useEvidenceFile(id);
  const url = useObjectUrl(file.data);
  const [revealed, setRevealed] = useState(false);
  return (
    <div className="evidence-preview">
      {url && (
        <div className="evidence-frame">
          <img
            src={url}
            alt={t(revealed ? 'case.evidenceImage' : 'case.evidenceImageConcealed', { number })}
            className={revealed ? 'evidence-image' : 'evidence-image concealed'}
          />
        </div>
      )}
      {file.isPending && <p>{t('common.loading')}</p>}
      <ErrorAlert error={file.error} />
      {url && (
        <button type="button" aria-pressed={revealed} onClick={() => setRevealed(!revealed)}>
          {t('case.evidenceReveal')}
        </button>
      )}
    </div>
  );
}

function EvidenceDownload({ file }: { file: Evidence }) {
  const { t } = useI18n();
  const download = useEvidenceDownload();
  const save = () =>
    download.mutate(file.id, {
      onSuccess: (blob) => saveBlob(blob, `evidence-${file.id}.${EXTENSIONS[file.contentType]}`),
    });
  return (
    <>
      <button type="button" onClick={save} disabled={download.isPending}>
        {t('case.evidenceDownload')}
      </button>
      <ErrorAlert error={download.error} />
    </>
  );
}

/** An object URL for the bytes while the component shows them, revoked after. */
function useObjectUrl(blob: Blob | undefined): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!blob) return;
    const created = URL.createObjectURL(blob);
    setUrl(created);
    return () => {
      URL.revokeObjectURL(created);
      setUrl(undefined);
    };
  }, [blob]);
  return url;
}
