import { createHash, randomBytes } from 'node:crypto';

/**
 * Time-ordered, URL-safe ids: `prefix_` + 10 chars of millisecond time (base 32, sortable) + 12 random chars.
 * Sorting ids of one prefix sorts them by creation time, which notifications and lists rely on.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export function newId(prefix: string, at: Date = new Date()): string {
  let t = at.getTime();
  let time = '';
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(12);
  let rand = '';
  for (const b of bytes) rand += ALPHABET[b % 32];
  return `${prefix}_${time}${rand}`;
}

/**
 * An id of the same shape as `newId` whose random part is derived from `seed`: the same (prefix, at, seed)
 * always gives the same id, so a retried writer rewrites the same item instead of adding a second one.
 */
export function derivedId(prefix: string, at: Date, seed: string): string {
  const time = newId(prefix, at).slice(prefix.length + 1, prefix.length + 11);
  const digest = createHash('sha256').update(seed).digest();
  let rest = '';
  for (let i = 0; i < 12; i++) rest += ALPHABET[digest[i] % 32];
  return `${prefix}_${time}${rest}`;
}

/**
 * An id of the same shape as `newId` derived from `seed` alone (no time): the same seed always names the
 * same thing, so a retried request finds what its first attempt wrote.
 */
export function keyedId(prefix: string, seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let body = '';
  for (let i = 0; i < 22; i++) body += ALPHABET[digest[i] % 32];
  return `${prefix}_${body}`;
}

/** The creation time a `newId`/`derivedId` carries in its first 10 characters after the prefix (null if it has none). */
export function idTime(id: string): Date | null {
  const sep = id.indexOf('_');
  const time = id.slice(sep + 1, sep + 11);
  if (sep < 0 || time.length !== 10) return null;
  let t = 0;
  for (const c of time) {
    const v = ALPHABET.indexOf(c);
    if (v < 0) return null;
    t = t * 32 + v;
  }
  return new Date(t);
}
