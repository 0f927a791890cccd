import t from 'tap';
import { base32Decode, base32Encode, matchTotp, newTotpSecret, otpauthUri, totpAt, totpStep } from '../../core/auth/totp.js';
import { lockoutMs, passwordProblem, DEFAULT_PASSWORD_POLICY } from '../../core/auth/policy.js';
import { generatePassword } from '../../core/auth/credentials.js';

// RFC 6238 appendix B, SHA-1, secret "12345678901234567890"; the RFC's codes are 8 digits, ours the last 6 of them.
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890'));
const VECTORS: [number, string][] = [[59, '94287082'], [1111111109, '07081804'], [1111111111, '14050471'], [1234567890, '89005924'], [2000000000, '69279037'], [20000000000, '65353130']];

t.test('TOTP codes match RFC 6238', async (t) => {
  for (const [seconds, code] of VECTORS) t.equal(totpAt(RFC_SECRET, Math.floor(seconds / 30)), code.slice(2), `T = ${seconds}`);
});

t.test('base32 round-trips and tolerates how people type keys', async (t) => {
  const bytes = Buffer.from('any bytes at all \u00ff', 'latin1');
  t.same(base32Decode(base32Encode(bytes)), bytes);
  const secret = newTotpSecret();
  t.equal(secret.length, 32, '160 bits');
  const grouped = secret.toLowerCase().match(/.{4}/g)!.join(' ');
  t.same(base32Decode(grouped), base32Decode(secret));
  t.equal(base32Decode('not base32 because 1 and 0'), null);
});

t.test('a code matches one step either side of now, never a step already used, never a malformed one', async (t) => {
  const secret = newTotpSecret();
  const now = 1_700_000_000_000;
  const step = totpStep(now);
  t.equal(matchTotp(secret, totpAt(secret, step), now, 0), step);
  t.equal(matchTotp(secret, totpAt(secret, step - 1), now, 0), step - 1, 'a phone a little behind');
  t.equal(matchTotp(secret, totpAt(secret, step + 1), now, 0), step + 1, 'a phone a little ahead');
  t.equal(matchTotp(secret, totpAt(secret, step + 2), now, 0), null, 'a minute off is too far');
  t.equal(matchTotp(secret, totpAt(secret, step), now, step), null, 'the step already used');
  t.equal(matchTotp(secret, totpAt(secret, step - 1), now, step - 1), null, 'nor an older one');
  for (const bad of ['', '12345', '1234567', 'abcdef', '12 456']) t.equal(matchTotp(secret, bad, now, 0), null, `"${bad}"`);
  t.match(otpauthUri('交换台', 'zhang.san', secret), new RegExp(`^otpauth://totp/${encodeURIComponent('交换台:zhang.san')}\\?secret=${secret}&issuer=`));
});

t.test('the password policy: length, classes, guessable; lockout doubles to a day', async (t) => {
  const p = DEFAULT_PASSWORD_POLICY;
  t.equal(passwordProblem('short-1', 'zhang', p), 'it must be at least 8 characters long');
  t.match(passwordProblem('onlyletters', 'zhang', p), /at least 2 of/);
  t.equal(passwordProblem('中文密码加数字2026', 'zhang', p), null, 'Chinese characters count as letters');
  t.equal(passwordProblem('Zhang2026!', 'zhang', p), 'it must not be the account name');
  t.equal(passwordProblem('zhang.san.2026', 'zhang.san', p), 'it must not be the account name');
  t.equal(passwordProblem('Password123', 'zhang', p), 'it is one of the most common passwords');
  t.equal(passwordProblem('ordinary-words-7', 'zhang', p), null);
  t.match(passwordProblem('ordinary-words-7', 'zhang', { ...p, min_classes: 4 }), /at least 4 of/);
  t.equal(lockoutMs({ ...p, lockout_seconds: 60 }, 0), 60_000);
  t.equal(lockoutMs({ ...p, lockout_seconds: 60 }, 3), 480_000);
  t.equal(lockoutMs({ ...p, lockout_seconds: 60 }, 40), 86_400_000, 'never more than a day');
  for (let i = 0; i < 50; i++) {
    const g = generatePassword(16);
    if (passwordProblem(g, 'someone', { ...p, min_length: 16, min_classes: 4 }) !== null) { t.fail(`generated ${g} misses the strictest rule`); break; }
  }
  t.equal(generatePassword(24).length, 24);
});
