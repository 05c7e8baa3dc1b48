/**
 * Generated waves for evaluating the grouping (adjusted Rand index), the benchmark and the
 * end-to-end tests: campaigns of lightly reworded posts (words swapped for synonyms, dropped or
 * added, case, punctuation, emoji, numbers and typos changed) mixed with unrelated posts.
 * Deterministic for a seed.
 */

/**
 * Campaign texts. Words marked `^` are never reworded, so each copy keeps the phrase that gets it
 * flagged (the offline scorer's terms; a real model would flag the rest too).
 */
const CAMPAIGNS: string[] = [
  'Claim your free iPhone now, only {n} left! Visit {url} to ^double ^your ^money before the offer expires',
  'You won a {n} dollar gift card, confirm your account details at {url}, ^guaranteed ^returns today',
  'Your account will be suspended, verify your password immediately at {url} or ^you ^are ^dead',
  'Make {n} dollars a day working from home, message me to learn the ^get ^rich ^quick secret method',
  'Crypto giveaway: send {n} coins and ^double ^your ^money instantly, limited time only',
  'Everyone report this streamer, she is ^vermin and should leave the internet forever',
  '^Go ^back ^to ^your ^country, nobody wants people like you in this town',
  'Cheap followers and likes for sale, {n} thousand for five dollars, ^send ^nudes and DM me now',
  'This politician is a criminal, ^those ^people ^are ^animals, share this before they delete it',
  'Hot singles in your area are waiting, click {url} to ^send ^nudes tonight',
  'I know where you live and ^i ^will ^kill ^you for posting that',
  'Buy the new miracle pill, ^buy ^this ^stock and lose {n} kilos in a week without any exercise',
];

const SYNONYMS: Record<string, string[]> = {
  free: ['complimentary', 'no-cost', 'FREE'],
  now: ['today', 'right now', 'immediately'],
  only: ['just', 'merely'],
  left: ['remaining', 'available'],
  visit: ['go to', 'head to', 'check'],
  offer: ['deal', 'promo'],
  won: ['have won', 'just won', 'are the winner of'],
  confirm: ['verify', 'validate'],
  account: ['profile', 'login'],
  details: ['info', 'information'],
  suspended: ['locked', 'closed', 'disabled'],
  immediately: ['right away', 'asap', 'now'],
  make: ['earn', 'get'],
  message: ['text', 'DM', 'contact'],
  secret: ['hidden', 'simple'],
  send: ['transfer', 'deposit'],
  instantly: ['right away', 'in minutes'],
  report: ['flag', 'mass report'],
  fraud: ['fake', 'scammer', 'liar'],
  leave: ['quit', 'get off'],
  nobody: ['no one', 'not a single person'],
  wants: ['likes', 'needs'],
  town: ['city', 'country', 'place'],
  cheap: ['affordable', 'low cost'],
  criminal: ['crook', 'thief'],
  share: ['repost', 'spread'],
  delete: ['remove', 'censor'],
  waiting: ['looking for you', 'ready'],
  click: ['tap', 'open'],
  meet: ['date', 'chat with'],
  regret: ['pay for', 'be sorry for'],
  buy: ['order', 'try'],
  new: ['latest', 'amazing'],
  lose: ['drop', 'burn'],
};

const FILLERS = [
  'seriously',
  'guys',
  'lol',
  'honestly',
  '!!!',
  'please',
  'omg',
  '100%',
  'real',
  'wow',
];
const EMOJI = ['🔥', '💰', '😡', '👉', '✅', '🎁', '😂', '🚨'];
const DOMAINS = [
  'bit.ly/x{n}',
  'free-gift{n}.example',
  'win-now{n}.example',
  'tinyurl.example/{n}',
];

/** Unrelated posts are random runs of everyday words: they share words now and then, not texts. */
const EVERYDAY = (
  'the a my our this that bus cat dog team recipe weather sister brother album movie library garden ' +
  'match book coffee tea morning evening night weekend holiday rain sun snow wind train car bike road ' +
  'park beach river mountain city village school work office meeting lunch dinner breakfast soup bread ' +
  'cheese apple orange song concert game score goal player coach music film show episode season ' +
  'was is seems looks felt turned out really quite very too so late early better worse amazing boring ' +
  'funny quiet loud cold warm salty sweet closed open full empty perfect strange lovely tired happy ' +
  'again today yesterday tomorrow finally still never always maybe just almost'
).split(' ');
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One light rewording of a campaign's text. */
export function reword(template: string, random: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const n = String(1 + Math.floor(random() * 500));
  let words = template.replace('{url}', pick(DOMAINS)).replace(/\{n\}/g, n).split(' ');
  words = words.flatMap((word) => {
    if (word.startsWith('^')) return [word.slice(1)];
    const bare = word.toLowerCase().replace(/[^a-z]/g, '');
    const r = random();
    if (SYNONYMS[bare] && r < 0.3) return [pick(SYNONYMS[bare])];
    if (r > 0.96 && words.length > 6) return [];
    if (r > 0.93 && word.length > 4) {
      const i = 1 + Math.floor(random() * (word.length - 2));
      return [word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2)];
    }
    return [word];
  });
  // Fillers at either end: inside, they could split the phrase that gets a copy flagged.
  const filler = random();
  if (filler < 0.25) words.unshift(pick(FILLERS));
  else if (filler < 0.5) words.push(pick(FILLERS));
  let text = words.join(' ');
  const style = random();
  if (style < 0.15) text = text.toUpperCase();
  else if (style < 0.3) text = text.toLowerCase();
  if (random() < 0.4) text = `${pick(EMOJI)} ${text}`;
  if (random() < 0.4) text = `${text} ${pick(EMOJI)}`;
  if (random() < 0.3) text = text.replace(/[,.!:]/g, '');
  return text;
}

export interface SampledPost {
  text: string;
  /** The campaign's index, or null for an unrelated post. */
  campaign: number | null;
  authorId: string;
}

/**
 * `waves` campaigns of `perWave` reworded posts each, from `authorsPerWave` authors, mixed in
 * random order with `unrelated` ordinary posts.
 */
export function sampleWaves(options: {
  waves: number;
  perWave: number;
  authorsPerWave: number;
  unrelated: number;
  seed?: number;
  /** The first campaign's index (they repeat after the twelfth). */
  firstCampaign?: number;
}): SampledPost[] {
  const random = mulberry32(options.seed ?? 42);
  const posts: SampledPost[] = [];
  for (let w = 0; w < options.waves; w++) {
    const template = CAMPAIGNS[(w + (options.firstCampaign ?? 0)) % CAMPAIGNS.length];
    for (let i = 0; i < options.perWave; i++)
      posts.push({
        text: reword(template, random),
        campaign: w,
        authorId: `wave${w}-author${i % options.authorsPerWave}`,
      });
  }
  for (let i = 0; i < options.unrelated; i++) {
    const length = 6 + Math.floor(random() * 8);
    const words = Array.from({ length }, () => EVERYDAY[Math.floor(random() * EVERYDAY.length)]);
    posts.push({
      text: words.join(' '),
      campaign: null,
      authorId: `user${i}`,
    });
  }
  for (let i = posts.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [posts[i], posts[j]] = [posts[j], posts[i]];
  }
  return posts;
}
