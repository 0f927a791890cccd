import t from 'tap';
import { OPERATION_LIST } from '../../core/operations.js';
import { BUILTIN_ROLES, PERMISSIONS } from '../../core/roles/permissions.js';
import { cell } from '../../core/admin/audit-views.js';
import { MIGRATIONS } from '../../central/store/schema.js';

t.test('every administrator operation declares the permission it needs, and only known ones', async (t) => {
  const admin = OPERATION_LIST.filter(([, op]) => op.auth === 'admin');
  t.ok(admin.length >= 30, `${admin.length} administrator operations`);
  for (const [name, op] of admin) {
    const need = op.permission;
    t.ok(need !== undefined, `${name} declares a permission`);
    const list = need === 'any' || need === undefined ? [] : typeof need === 'string' ? [need] : need;
    t.ok(list.every((p) => (PERMISSIONS as readonly string[]).includes(p)), `${name}: ${JSON.stringify(need)} is known`);
  }
  for (const [name, op] of OPERATION_LIST.filter(([, o]) => o.auth !== 'admin')) t.equal(op.permission, undefined, `${name} is no administrator operation and declares none`);
});

t.test('the built-in roles are the ones migration 14 seeds', async (t) => {
  const seed = MIGRATIONS.find((m) => m.version === 14)!.seed!.join('\n');
  for (const r of Object.values(BUILTIN_ROLES)) t.ok(seed.includes(`(${r.id}, '${r.name}', '${JSON.stringify(r.permissions)}', 1, 0)`), `${r.name} seeded with id ${r.id}`);
});

t.test('a CSV field is quoted when needed and never read as a formula', async (t) => {
  t.equal(cell('张三'), '张三');
  t.equal(cell('a,b'), '"a,b"');
  t.equal(cell('say "hi"'), '"say ""hi"""');
  t.equal(cell('two\nlines'), '"two\nlines"');
  t.equal(cell('=HYPERLINK("x")'), '"\'=HYPERLINK(""x"")"');
  t.equal(cell('+1'), "'+1");
  t.equal(cell('@sum'), "'@sum");
});
