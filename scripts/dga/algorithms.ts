/**
 * Domain generation algorithms, written from public descriptions of malware families (not copied
 * from any implementation). Each is deterministic for a (date, index) pair so evaluations are
 * reproducible. They reproduce the *shape* of each family's names, which is what a hostname
 * heuristic sees:
 *  - conficker-ab: Conficker.A/B, 250 names a day, 8-11 random lower-case letters, TLDs
 *    com/net/org/info/biz (B adds ws/cn/cc); seeded from the UTC date.
 *  - conficker-c: Conficker.C, 50,000 names a day, 4-9 random letters across ~110 country TLDs.
 *  - cryptolocker: CryptoLocker (2013), 1,000 names a day, 12-15 letters drawn from a-y (the
 *    algorithm works modulo 25), TLDs com/net/biz/ru/org/co.uk/info.
 *  - dictionary: Suppobox/Matsnu-style, two English words concatenated (.net/.com): built to evade
 *    character-statistics heuristics.
 *  - hash-hex: MD5 of a date-derived seed rendered as hex and cut to 16-24 characters
 *    (the shape of GameOver Zeus / Murofet-style hash DGAs).
 */
import { createHash } from 'node:crypto';

export type Family = 'conficker-ab' | 'conficker-c' | 'cryptolocker' | 'dictionary' | 'hash-hex';
export const FAMILIES: readonly Family[] = ['conficker-ab', 'conficker-c', 'cryptolocker', 'dictionary', 'hash-hex'];

/** Park-Miller minimal standard LCG, the kind of generator these families use. */
class Lcg {
  private s: number;
  constructor(seed: number) {
    this.s = (seed % 2147483646) + 1;
  }
  next(): number {
    this.s = (this.s * 48271) % 2147483647;
    return this.s;
  }
  below(n: number): number {
    return this.next() % n;
  }
}

const daySeed = (d: Date): number => d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const C_TLDS = ['ac', 'ae', 'ag', 'am', 'as', 'at', 'be', 'bo', 'bz', 'ca', 'cd', 'ch', 'cl', 'cn', 'co.il', 'co.kr', 'com.ar', 'cx', 'cz', 'de', 'dk', 'ec', 'ee', 'es', 'fm', 'fr', 'gs', 'hn', 'ht', 'hu', 'ie', 'in', 'ir', 'is', 'it', 'jp', 'kz', 'la', 'lc', 'li', 'lt', 'lu', 'lv', 'ly', 'md', 'me', 'mn', 'ms', 'mu', 'mx', 'nl', 'no', 'nu', 'pe', 'pl', 'pt', 'ro', 'ru', 'sc', 'se', 'sg', 'sh', 'sk', 'su', 'tc', 'tj', 'tl', 'tn', 'to', 'tw', 'us', 'vc', 'vn', 'ws'];
const WORDS = ('about above action active actual advice affair agency almost amount animal annual answer appeal around arrive artist aspect ' +
  'assume battle beauty become before behind belief better beyond border bottle bottom branch bridge bright broken budget butter button ' +
  'camera carbon career castle center chance change charge choice church circle client coffee column common copper corner cotton county ' +
  'couple course credit crisis custom damage danger dealer debate decade degree demand desert design detail device dinner doctor dollar ' +
  'double dragon driver easily editor effect effort either empire energy engine enough entire escape estate expand expect expert export ' +
  'factor family farmer father figure finger finish flight flower follow forest forget friend future garden gather global golden ground ' +
  'growth guitar hammer handle health height hidden holder honest hunter impact import income indeed inside island jacket jungle junior ' +
  'ladder latter lawyer leader league lesson letter liquid listen little living lovely manner marble margin market master matter medium ' +
  'member memory method middle minute mirror mobile modern moment monkey mother motion museum narrow nation native nature nearby normal ' +
  'notice number object office online orange origin output oxygen palace parent patent people period person planet player plenty pocket ' +
  'police policy potato powder prayer pretty prince profit proper public purple rabbit random rather reader reason recent record region ' +
  'relief remote report rescue result retail return review reward safety salary sample saving school screen search season second secret ' +
  'sector secure select senior series server settle shadow silver simple single sister smooth social source speech spirit spread spring ' +
  'square stable status steady stream street string strong studio submit sudden summer supply survey switch symbol system talent target ' +
  'temple tennis thread ticket timber toward travel twenty unique update useful valley vendor vision volume walker wealth weekly weight ' +
  'window winner winter wisdom wonder wooden worker writer yellow').split(' ');

export function generate(family: Family, date: Date, count: number): string[] {
  const seed = daySeed(date);
  const out: string[] = [];
  switch (family) {
    case 'conficker-ab': {
      const r = new Lcg(seed * 31 + 7);
      const tlds = ['com', 'net', 'org', 'info', 'biz', 'ws', 'cn', 'cc'];
      for (let i = 0; i < count; i++) {
        const len = 8 + r.below(4);
        let s = '';
        for (let k = 0; k < len; k++) s += LETTERS[r.below(26)];
        out.push(`${s}.${tlds[r.below(tlds.length)]}`);
      }
      break;
    }
    case 'conficker-c': {
      const r = new Lcg(seed * 131 + 3);
      for (let i = 0; i < count; i++) {
        const len = 4 + r.below(6);
        let s = '';
        for (let k = 0; k < len; k++) s += LETTERS[r.below(26)];
        out.push(`${s}.${C_TLDS[r.below(C_TLDS.length)]}`);
      }
      break;
    }
    case 'cryptolocker': {
      const tlds = ['com', 'net', 'biz', 'ru', 'org', 'co.uk', 'info'];
      for (let i = 0; i < count; i++) {
        // Per-name state mixed from the date and the index, as the family does with shifts and xors.
        let d = seed ^ (i * 0x9e3779b1);
        let m = (seed >>> 3) + i * 7;
        let y = (seed << 2) ^ (i * 131);
        const len = 12 + (Math.abs(d ^ m ^ y) % 4);
        let s = '';
        for (let k = 0; k < len; k++) {
          y = ((y ^ (8 * y)) >>> 11) ^ ((y & 0xfffffff0) << 17);
          m = ((m ^ (4 * m)) >>> 25) ^ (16 * (m & 0xfffffff8));
          d = ((d ^ (d << 13)) >>> 19) ^ ((d & 0xfffffffe) << 12);
          s += LETTERS[Math.abs(y ^ m ^ d) % 25];
        }
        out.push(`${s}.${tlds[i % tlds.length]}`);
      }
      break;
    }
    case 'dictionary': {
      const r = new Lcg(seed * 17 + 11);
      for (let i = 0; i < count; i++) out.push(`${WORDS[r.below(WORDS.length)]}${WORDS[r.below(WORDS.length)]}.${r.below(2) ? 'net' : 'com'}`);
      break;
    }
    case 'hash-hex': {
      for (let i = 0; i < count; i++) {
        const h = createHash('md5').update(`${seed}:${i}`).digest('hex');
        const len = 16 + (parseInt(h.slice(-2), 16) % 9);
        out.push(`${h.slice(0, len)}.${['com', 'net', 'org', 'biz'][i % 4]}`);
      }
      break;
    }
  }
  return out;
}
