import t from 'tap';
import { searchTerms, tokenise } from '../../core/search/tokenise.js';
import { snippetOf } from '../../core/search/snippet.js';

const has = (text: string, query: string) => {
  const terms = new Set(searchTerms(text));
  return searchTerms(query).every((q) => terms.has(q));
};

t.test('Chinese: bigrams across the segmenter\'s words', async (t) => {
  t.same(searchTerms('我在北京工作'), ['我在', '在北', '北京', '京工', '工作']);
  t.ok(has('我在北京工作', '北京'), '北京 finds 北京');
  t.notOk(has('东京大学', '京东'), '京东 does not find 东京');
  t.ok(has('东京大学', '东京'));
  t.ok(has('北京大学的图书馆', '大学 图书馆'), 'every word, in any order');
  t.same(searchTerms('京'), ['京'], 'a run of one character is that character');
  t.same(tokenise('北京').map((x) => [x.value, x.start, x.end]), [['北京', 0, 2]]);
});

t.test('Japanese kana and kanji, Korean hangul', async (t) => {
  t.ok(has('東京タワーに行きました', 'タワー'), 'katakana with the long vowel mark');
  t.ok(has('東京タワーに行きました', '東京'));
  t.ok(has('東京タワーに行きました', '行きました'), 'hiragana');
  t.notOk(has('東京タワーに行きました', '京東'));
  t.same(searchTerms('한국어를 공부합니다'), ['한국', '국어', '어를', '공부', '부합', '합니', '니다']);
  t.ok(has('한국어를 공부합니다', '한국어'));
  t.notOk(has('한국어를 공부합니다', '국한'));
});

t.test('Latin words: lower-cased, NFKC, split at punctuation; no stemming', async (t) => {
  t.same(searchTerms('Hello WORLD, hello!'), ['hello', 'world']);
  t.same(searchTerms("don't stop 3.14"), ['don', 't', 'stop', '3', '14']);
  t.same(searchTerms('ＡＢＣ Café'), ['abc', 'café'], 'full-width letters fold to ASCII');
  t.notOk(has('reports', 'report'), 'English words are not stemmed');
  t.same(searchTerms('report.pdf 发给北京'), ['report', 'pdf', '发给', '给北', '北京'], 'mixed scripts');
  t.same(searchTerms('  …！？ '), [], 'punctuation has no words');
  t.equal(searchTerms('a'.repeat(100))[0]!.length, 32, 'long words are cut');
});

t.test('snippets and highlight ranges', async (t) => {
  const s = snippetOf('我们明天去北京开会', ['北京']);
  t.same(s, { text: '我们明天去北京开会', highlights: [{ start: 5, end: 7 }] });
  const joined = snippetOf('去北京京都', searchTerms('北京京都'));
  t.same(joined!.highlights, [{ start: 1, end: 5 }], 'overlapping bigrams make one range');
  const long = `${'x '.repeat(100)}The REPORT ${'y '.repeat(200)}`;
  const cut = snippetOf(long, ['report'])!;
  t.ok(cut.text.startsWith('…') && cut.text.endsWith('…'), 'a cut text is marked');
  t.same(cut.highlights.map((h) => cut.text.slice(h.start, h.end)), ['REPORT'], 'ranges mark the text as written');
  t.equal(snippetOf('nothing here', ['report']), null, 'a text without the words is no hit');
  t.equal(snippetOf('report', ['report', 'budget']), null, 'every word is required');
  const emoji = snippetOf(`${'😀'.repeat(40)}北京`, ['北京'])!;
  t.notOk(/^…[\uDC00-\uDFFF]/.test(emoji.text), 'no half surrogate pair at the cut');
});

t.test('Thai goes through Intl.Segmenter; the fast path cuts words as the segmenter does', async (t) => {
  const thai = searchTerms('สวัสดีครับ');
  t.ok(thai.length >= 2, `Thai is cut into words (${thai.join(' ')})`);
  const seg = new Intl.Segmenter('en', { granularity: 'word' });
  const text = "Hello, world! It's 2026-12-03; e-mail me at ann@example.com. Ünïcode ĲSSEL";
  const bySegmenter = [...seg.segment(text)].filter((s) => s.isWordLike)
    .flatMap((s) => s.segment.match(/[\p{L}\p{N}\p{M}]+/gu) ?? []).map((w) => w.normalize('NFKC').toLowerCase());
  t.same(tokenise(text).map((x) => x.value), bySegmenter);
});
