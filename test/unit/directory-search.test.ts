import t from 'tap';
import { pinyinKeys } from '../../core/directory/search.js';
import { DirectoryModel } from '../../core/directory/model.js';
import type { DirPerson } from '../../shared/protocol/directory.js';

const p = (id: number, account: string, name: string, extra: Partial<DirPerson> = {}): DirPerson => ({
  id, user_id: id, account, name, english_name: '', gender: '', mobile: '', phone: '', email: '', title: '', employee_no: '', avatar: '', status: 'active', depts: [], ...extra,
});

t.test('pinyin: full spelling and initials, surnames read as surnames', async (t) => {
  t.same(pinyinKeys('张三'), { full: 'zhangsan', initials: 'zs' });
  t.same(pinyinKeys('单田芳'), { full: 'shantianfang', initials: 'stf' }, '单 as a surname is shan');
  t.same(pinyinKeys('曾小贤'), { full: 'zengxiaoxian', initials: 'zxx' });
  t.same(pinyinKeys('Tom 李'), { full: 'tomli', initials: 'tl' });
});

t.test('search: by name, account, pinyin, initials, mobile, email; exact before prefix before substring', async (t) => {
  const m = DirectoryModel.from({
    version: 1, orgs: [{ id: 1, name: 'O', sort: 0 }], depts: [{ id: 1, org_id: 1, parent_id: null, name: '研发部', sort: 0, ext_id: null }],
    people: [
      p(1, 'zhangsan', '张三', { mobile: '13800000001', email: 'zs@corp.cn', depts: [{ dept_id: 1, title: '', sort: 0 }] }),
      p(2, 'zhangsanfeng', '张三丰'),
      p(3, 'lisi', '李四', { mobile: '13900000002' }),
      p(4, 'zs', '周胜'),
      p(5, 'azhang', '阿张'),
    ],
    policies: [], scopes: [],
  });
  const ids = (q: string) => m.searchIndex().search(q, { limit: 10, full: () => false, anyFull: false }).map((h) => h.id);
  t.same(ids('张三').slice(0, 2), [1, 2], 'exact name first, then the longer name');
  t.same(ids('zhangsan').slice(0, 2), [1, 2], 'full pinyin (account too)');
  t.equal(ids('zs')[0], 4, 'an exact account beats initials');
  t.ok(ids('zs').includes(1), '张三 by its initials');
  t.ok(ids('zsf').includes(2), '张三丰 by its initials');
  t.same(ids('13900000002'), [3], 'mobile');
  t.same(ids('zs@corp'), [1], 'email');
  t.equal(ids('zhang').at(-1), 5, 'a substring match ranks below prefixes');
  t.same(ids(''), [], 'an empty query finds nothing');

  // A confidential mobile cannot be found by others, but can by an administrator who covers the person.
  m.apply([{ op: 'policy', policy: { id: 1, target: 'dept', target_id: 1, fields: ['mobile', 'email'] } }], 2);
  t.same(ids('13800000001'), [], 'hidden from the public');
  t.same(ids('zs@corp'), [], 'hidden from the public');
  t.same(m.searchIndex().search('13800000001', { limit: 5, full: () => true, anyFull: true }).map((h) => h.id), [1], 'found by a covering admin');
  t.same(ids('张三')[0], 1, 'still found by name');
});
