import { randomBytes } from 'node:crypto';

/** The first administrator holds every right, so its password has a floor: length, and not a known guess. */
export const ADMIN_PASSWORD_MIN = 12;

// The first guesses of any attacker, compared without case and without a trailing run of digits and symbols.
const COMMON = new Set([
  'password', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'admin', 'administrator', 'root', 'changeme', 'letmein', 'welcome',
  'qwerty', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'iloveyou', 'monkey', 'dragon', 'master', 'secret', 'default',
  'switchboard', 'abc', 'abcdef', 'trustno', 'superman', 'football', 'baseball', 'sunshine', 'princess', 'qazwsx',
  '1q2w3e4r', '1qaz2wsx', 'zaq12wsx', 'test', 'guest', 'user', 'login', 'passwordpassword', 'adminadmin',
]);

/** Why `password` is too weak for the first administrator, or null when it will do. */
export function adminPasswordProblem(password: string, account: string): string | null {
  if (password.length < ADMIN_PASSWORD_MIN) return `it must be at least ${ADMIN_PASSWORD_MIN} characters long`;
  const guess = guessable(password, account);
  if (guess) return guess;
  if (new Set(password).size < 5) return 'it must use at least 5 different characters';
  if (/^\d+$/.test(password) && isRun(password)) return 'it is a run of digits';
  return null;
}

/** The account name again, or one of the first guesses of any attacker; null when neither. */
export function guessable(password: string, account: string): string | null {
  const lower = password.toLowerCase();
  const stem = lower.replace(/[\d\W_]+$/u, '');
  const name = account.toLowerCase();
  const nameStem = name.replace(/[\d\W_]+$/u, '');
  if (stem !== '' && (stem.split(name).join('') === '' || stem === nameStem)) return 'it must not be the account name';
  if (COMMON.has(stem) || COMMON.has(lower)) return 'it is one of the most common passwords';
  return null;
}

/** 1234567890123…, 9876543210… */
function isRun(digits: string): boolean {
  const step = (Number(digits[1]) - Number(digits[0]) + 10) % 10;
  if (step !== 1 && step !== 9) return false;
  for (let i = 1; i < digits.length; i++) if ((Number(digits[i]) - Number(digits[i - 1]) + 10) % 10 !== step) return false;
  return true;
}

/** 24 characters from 144 random bits; always meets the rule above. */
export function generateAdminPassword(account: string): string {
  for (;;) {
    const password = randomBytes(18).toString('base64url');
    if (adminPasswordProblem(password, account) === null) return password;
  }
}
