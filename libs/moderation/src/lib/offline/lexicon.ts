/**
 * Term lists for the offline scorer, keyed by `mistral-moderation-2603` category.
 * A term is one or more words; a trailing `*` on a word matches any ending ("kill*" → killing).
 * Weights are the probability-like contribution of one hit; hits combine as 1 − Π(1 − w).
 * Deliberately small and readable: this is a demo scorer, not a classifier.
 */
export interface LexiconEntry {
  term: string;
  weight: number;
}

const strong = 0.75;
const medium = 0.55;
const weak = 0.3;

const entries = (weight: number, terms: string[]): LexiconEntry[] =>
  terms.map((term) => ({ term, weight }));

export const LEXICON: Record<string, LexiconEntry[]> = {
  // Sexual content, and sexual profanity (the closest Mistral category for obscenity).
  sexual: [
    ...entries(strong, ['porn*', 'nude*', 'naked pics', 'send nudes', 'sex tape', 'nsfw']),
    ...entries(medium, [
      'fuck*',
      'fck',
      'fuk*',
      'phuck*',
      'motherfuck*',
      'cunt*',
      'dick*',
      'pussy',
      'cock*',
      'whore*',
      'slut*',
      'putain',
      'puta',
      'scheisse',
      'scheiße',
    ]),
    ...entries(weak, ['shit*', 'bitch*', 'bastard*', 'asshole*', 'merde', 'mierda', 'arsch*']),
  ],
  hate_and_discrimination: [
    ...entries(strong, [
      'subhuman*',
      'vermin',
      'inferior race',
      'go back to your country',
      'should be exterminated',
      'gas them',
      'untermensch*',
      'sous-homme*',
      'infrahumano*',
    ]),
    ...entries(medium, [
      'those people are animals',
      'dont belong here',
      'filthy immigrant*',
      'hate all',
      'racial purity',
      'degenerate*',
    ]),
  ],
  violence_and_threats: [
    ...entries(strong, [
      'kill you',
      'kill u',
      'i will kill',
      'i will hurt you',
      'shoot you',
      'stab you',
      'beat you to death',
      'you are dead',
      'youre dead',
      'find where you live',
      'je vais te tuer',
      'te voy a matar',
      'ich bringe dich um',
      'ich bring dich um',
    ]),
    ...entries(medium, [
      'kill*',
      'murder*',
      'stab*',
      'shoot*',
      'behead*',
      'massacre*',
      'tuer',
      'matar',
      'umbringen',
    ]),
    ...entries(weak, ['punch*', 'beat up', 'hurt*', 'threat*']),
  ],
  dangerous: [
    ...entries(strong, [
      'make a bomb',
      'build a bomb',
      'pipe bomb',
      'nerve agent',
      'make explosives',
      'homemade explosive*',
      'ghost gun*',
      '3d printed gun*',
      'fabriquer une bombe',
      'hacer una bomba',
    ]),
    ...entries(medium, [
      'explosive*',
      'detonator*',
      'napalm',
      'ricin',
      'sarin',
      'anthrax',
      'thermite',
    ]),
  ],
  criminal: [
    ...entries(strong, [
      'buy stolen',
      'stolen credit card*',
      'money laundering',
      'launder money',
      'fake passport*',
      'counterfeit money',
      'sell drugs',
      'buy cocaine',
      'buy heroin',
      'hitman for hire',
      'carding',
    ]),
    ...entries(medium, [
      'cocaine',
      'heroin',
      'meth',
      'fentanyl',
      'phishing kit*',
      'ransomware',
      'bypass the alarm',
      'pick a lock',
      'shoplift*',
    ]),
  ],
  selfharm: [
    ...entries(strong, [
      'kill myself',
      'end my life',
      'want to die',
      'suicide method*',
      'how to commit suicide',
      'cut myself',
      'better off dead',
      'me suicider',
      'quiero morir',
      'mich umbringen',
    ]),
    ...entries(medium, [
      'suicid*',
      'self harm',
      'selfharm',
      'self-harm',
      'overdose',
      'no reason to live',
    ]),
  ],
  health: [
    ...entries(medium, [
      'stop taking your medication',
      'cure cancer',
      'miracle cure',
      'instead of chemo',
      'dosage',
      'you have diabetes',
      'diagnos*',
    ]),
    ...entries(weak, ['prescription', 'antibiotic*', 'symptom*', 'vaccine*']),
  ],
  financial: [
    ...entries(medium, [
      'guaranteed return*',
      'invest all your',
      'double your money',
      'buy this stock',
      'crypto signal*',
      'get rich quick',
      'pump and dump',
    ]),
    ...entries(weak, ['invest*', 'stock tip*', 'crypto*', 'bitcoin']),
  ],
  law: [
    ...entries(medium, [
      'sue them',
      'you should sue',
      'legal loophole',
      'avoid paying tax*',
      'evade tax*',
      'your lawyer will',
    ]),
    ...entries(weak, ['lawsuit*', 'attorney', 'contract law']),
  ],
  jailbreaking: [
    ...entries(strong, [
      'ignore previous instructions',
      'ignore all previous instructions',
      'ignore your instructions',
      'disregard your system prompt',
      'you are now dan',
      'developer mode enabled',
      'jailbreak*',
    ]),
    ...entries(medium, ['system prompt', 'pretend you have no rules', 'act as an unfiltered']),
  ],
};
