import { useState } from 'preact/hooks';
import { useSession } from '../../context.js';
import { download } from '../../download.js';
import { uploadWithProgress } from '../../upload.js';
import { Outcome } from './Parts.js';
import { useAdminI18n } from './text.js';
import type { ExportFile, ImportReport } from './wire.js';

type Step = { at: 'idle' } | { at: 'uploading'; progress: number } | { at: 'checking' } | { at: 'importing' } | { at: 'done'; report: ImportReport };

/**
 * 通讯录导入导出: export the organisation as CSV or Excel; import a file in two steps (checked first, then applied),
 * with the upload's progress and then the server's work shown. The import is all or nothing (admin.dir.import).
 */
export function Directory() {
  const session = useSession();
  const { t, refusal } = useAdminI18n();
  const api = session.client.api;
  const [step, setStep] = useState<Step>({ at: 'idle' });
  const [fileId, setFileId] = useState(0);
  const [format, setFormat] = useState<'csv' | 'xlsx' | 'rtx'>('csv');
  const [ok, setOk] = useState('');
  const [error, setError] = useState('');
  const busy = step.at === 'uploading' || step.at === 'checking' || step.at === 'importing';

  const exportAs = (fmt: 'csv' | 'xlsx') => {
    setOk('');
    setError('');
    api.call('admin.dir.export', { format: fmt }).then((f: ExportFile) => download(session, f.id, f.name, f.mime))
      .then(() => setOk(t('exportedDir')), (e: unknown) => setError(refusal(e)));
  };
  const check = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const file = data.get('file') as File | null;
    if (!file || !file.size) return;
    const fmt = /\.xlsx$/i.test(file.name) ? 'xlsx' : /\.rtx$|\.xml$/i.test(file.name) ? 'rtx' : 'csv';
    setFormat(fmt);
    setOk('');
    setError('');
    setStep({ at: 'uploading', progress: 0 });
    uploadWithProgress(api.baseUrl, api.token ?? '', file, (progress) => setStep({ at: 'uploading', progress }))
      .then((f) => {
        setFileId(f.id);
        setStep({ at: 'checking' });
        return api.call('admin.dir.import', { file_id: f.id, format: fmt, dry_run: true });
      })
      .then((report: ImportReport) => setStep({ at: 'done', report }), (err: unknown) => { setStep({ at: 'idle' }); setError(refusal(err)); });
  };
  const apply = () => {
    setError('');
    setStep({ at: 'importing' });
    api.call('admin.dir.import', { file_id: fileId, format }).then((report: ImportReport) => {
      setStep({ at: 'done', report });
      setOk(t('imported'));
    }, (err: unknown) => { setStep({ at: 'idle' }); setError(refusal(err)); });
  };
  const report = step.at === 'done' ? step.report : null;
  return (
    <div class="admin-section directory-admin">
      <section class="admin-card">
        <h4>{t('exportDir')}</h4>
        <div class="actions">
          <button type="button" class="export-csv" onClick={() => exportAs('csv')}>CSV</button>
          <button type="button" class="export-xlsx" onClick={() => exportAs('xlsx')}>Excel</button>
        </div>
      </section>
      <section class="admin-card">
        <h4>{t('importDir')}</h4>
        <p class="muted-text">{t('importHint')}</p>
        <form class="inline-form import-form" onSubmit={check}>
          <input name="file" type="file" accept=".csv,.xlsx,.rtx,.xml" required aria-label={t('importDir')} />
          <button type="submit" disabled={busy}>{t('checkImport')}</button>
        </form>
        {step.at === 'uploading' ? <progress class="import-progress" max={1} value={step.progress} aria-label={t('uploading')} /> : null}
        {step.at === 'checking' || step.at === 'importing' ? (
          <p class="muted-text" role="status"><progress class="import-progress" aria-label={t(step.at === 'checking' ? 'checkingImport' : 'importing')} /> {t(step.at === 'checking' ? 'checkingImport' : 'importing')}</p>
        ) : null}
        {report ? (
          <div class={`import-report ${report.ok ? 'ok' : 'bad'}`} role="status">
            <p>{t(report.dry_run ? (report.ok ? 'importChecked' : 'importProblems') : 'importDone')}</p>
            <p class="muted-text">{t('importSummary', report.summary.depts_created, report.summary.depts_updated, report.summary.depts_deleted,
              report.summary.people_created, report.summary.people_updated, report.summary.unchanged)}</p>
            {report.issues.length ? (
              <ul class="admin-list issues">{report.issues.slice(0, 50).map((i) => <li key={`${i.line}:${i.reason}`}>{t('importLine', i.line)} {i.reason}</li>)}</ul>
            ) : null}
            {report.dry_run && report.ok ? <div class="actions"><button type="button" class="primary apply-import" onClick={apply}>{t('applyImport')}</button></div> : null}
          </div>
        ) : null}
        <Outcome ok={ok} error={error} />
      </section>
    </div>
  );
}
