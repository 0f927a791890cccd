import t from 'tap';
import { AppError } from '../../shared/errors.js';
import { parseDocument } from '../../core/directory/import/parse.js';
import { lyingZipBomb } from '../../scripts/fuzz/import-files.js';

/**
 * Found by the fuzz suite (test/fuzz): a 300 KB workbook whose zip header says its sheet holds 4 KB, while it
 * inflates to 300 MB, was refused only after inflating up to the 256 MB unpacked-size budget: half a second of
 * central's event loop and 256 MB of memory the process kept afterwards, per upload. Now an entry is inflated
 * no further than its header declares.
 */
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

t.test('a zip entry that understates its size is refused after the bytes it declared', async (t) => {
  const bomb = await lyingZipBomb(300, 4_096);
  t.ok(bomb.length < 1024 * 1024, `the bomb is small (${bomb.length} bytes)`);
  const before = peakRssMb();
  let refusal: unknown = null;
  try { parseDocument('xlsx', bomb); } catch (e) { refusal = e; }
  t.ok(refusal instanceof AppError && refusal.code === 'SB_IMPORT_INVALID', 'refused with SB_IMPORT_INVALID');
  t.match((refusal as AppError).details, { limit: 'unpacked_bytes', issues: [{ reason: /more than the 4096 bytes its zip header declares/ }] }, 'saying the header lies');
  const grew = peakRssMb() - before;
  t.ok(grew < 32, `the process's peak memory grew by ${grew.toFixed(1)} MB, not by the 256 MB budget`);
});

t.test('an entry that declares its true size still reads', async (t) => {
  const honest = await lyingZipBomb(2, 2 * 1024 * 1024 + 2_000);
  // Declared a little above its true size: inflates, then the sheet is read (one cell of 2 MB of "a", unclosed).
  let code = 'read';
  try { parseDocument('xlsx', honest); } catch (e) { code = e instanceof AppError ? e.code : String(e); }
  t.not(code, 'SB_INTERNAL', `an honest entry is read or reported, not refused as lying (${code})`);
});
