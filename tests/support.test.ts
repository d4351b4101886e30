// Support in the sources: which answer sentences one source sentence backs (content words,
// word order, numbers, names, negation), which source sentences answer a question, and when
// the sources do not answer it at all.
import { describe, expect, it } from 'vitest';
import { americanSpellings, answerKind, askedPayment, definedWord, fitsKind, paymentRoles, SourceIndex, sentencesOf, stem } from '../workers/align/support';

const passages = [
  { id: 1, text: 'The Skerry Head lighthouse was built in 1871 on the northern cape. The tower is 41 metres tall and has 120 steps from the door to the lamp room.' },
  { id: 2, text: 'The lamp burned whale oil until 1904, when it was changed to paraffin vapour. The light was not electrified until 1958.' },
  { id: 3, text: 'Three keepers lived at Skerry Head at any time, working in shifts of four hours. Supplies came by boat every two weeks.' },
];
const index = new SourceIndex(passages);

describe('support in the sources', () => {
  it('splits passages into sentences and stems words alike', () => {
    expect(index.sentences).toHaveLength(6);
    expect(sentencesOf('It is 3.14 metres. Then e.g. this. Done')).toEqual(['It is 3.14 metres.', 'Then e.g. this.', 'Done']);
    for (const [a, b] of [['bees', 'bee'], ['lived', 'live'], ['batteries', 'battery'], ['boxes', 'box'], ['keepers', 'keeper'], ['cutting', 'cut'], ['paid', 'pay'], ['payment', 'pay'], ['kept', 'keep']]) expect(stem(a), a).toBe(stem(b));
    expect(stem('glass')).toBe('glass');
    // British and American spellings stem alike; other words keep theirs.
    for (const [a, b] of [['harbour', 'harbor'], ['colours', 'colors'], ['organised', 'organized'], ['analyse', 'analyze'], ['centre', 'center'], ['metres', 'meters'], ['grey', 'gray'], ['travelled', 'traveled']]) expect(stem(a), a).toBe(stem(b));
    for (const [a, b] of [['hour', 'hor'], ['four', 'for'], ['tour', 'tor']]) expect(stem(a), a).not.toBe(stem(b));
    expect(americanSpellings('harbour')).toEqual(['harbor']);
    expect(americanSpellings('organisations')).toEqual(['organizations']);
    expect(americanSpellings('theatre')).toEqual(['theater']);
    expect(americanSpellings('hour')).toEqual([]);
  });

  it('a source sentence supports itself, shortened, and with a model\'s own [n] marker', () => {
    for (const s of ['The tower is 41 metres tall and has 120 steps from the door to the lamp room.', 'The tower is 41 metres tall. [1]', ' Three keepers lived at Skerry Head at any time.']) {
      const sup = index.support(s);
      expect(sup.supported, s).toBe(true);
    }
    expect(index.support('The tower is 41 metres tall.').source).toMatchObject({ passage: 1, position: 1 });
  });

  it('a wrong number, a name the source lacks, or a dropped negation is not supported', () => {
    expect(index.support('The tower is 42 metres tall.')).toMatchObject({ supported: false });
    expect(index.support('The tower is 42 metres tall.').missing).toContain('42');
    expect(index.support('The lamp burned whale oil until 2000.').supported).toBe(false);
    expect(index.support('The Skerry Head lighthouse was built in 1871 on the Ardmore cape.').missing).toContain('ardmore');
    expect(index.support('The light was electrified until 1958.').supported).toBe(false);
  });

  it('a number cut from its place is not supported', () => {
    const kit = new SourceIndex([{ id: 1, text: 'The broker needs at least 2 gigabytes of memory and a disk with 20 gigabytes free.' }]);
    expect(kit.support('The broker needs at least 2 gigabytes of memory.').supported).toBe(true);
    expect(kit.support('The broker needs at least 20.').supported).toBe(false);
  });

  it('a sentence cut short in the middle of a clause is not supported', () => {
    const kit = new SourceIndex([{ id: 1, text: 'The most important settings are the data directory, the listen address and the peers.' }]);
    expect(kit.support('The most important settings are the data directory.').supported).toBe(true);
    expect(kit.support('The most important settings are the data.').supported).toBe(false);
    // Cut off mid-word at the length limit.
    expect(kit.support('The most important settings are the data direc').supported).toBe(false);
    // Its last words may occur earlier in the source too: the source sentence supports itself.
    const mail = new SourceIndex([{ id: 1, text: 'Charged $200.00 by PayPal CONTENT: Hi, your card was charged $200.00 by PayPal.' }]);
    expect(mail.support('Charged $200.00 by PayPal CONTENT: Hi, your card was charged $200.00 by PayPal.').supported).toBe(true);
  });

  it('a sentence that starts inside a clause of its source, or on a joining word, is not supported', () => {
    const doc = new SourceIndex([{ id: 1, text: 'A consumer group shares the partitions of a topic, and each partition is read by one consumer of the group at a time. Then add the starter, the salt and the rest of the water, and squeeze the dough until it is smooth.' }]);
    expect(doc.support('A topic, and each partition is read by one consumer of the group at a time.').supported).toBe(false);
    expect(doc.support('and the rest of the water, and squeeze the dough until it is smooth.').supported).toBe(false);
    expect(doc.support('And squeeze the dough until it is smooth.').supported).toBe(false);
    // Where a clause starts: after a comma, or the conjunction that opens it.
    expect(doc.support('Each partition is read by one consumer of the group at a time.').supported).toBe(true);
    expect(doc.support('Then add the starter, the salt and the rest of the water.').supported).toBe(true);
  });

  it('a sentence with one word of its source swapped for another is not supported', () => {
    const lease = new SourceIndex([{ id: 1, text: 'The rent is 950 euros a month, paid on the first working day of each month. The deposit is two months of rent.' }]);
    expect(lease.support('The rent is 950 euros a month, paid on the first working day of each month.').supported).toBe(true);
    expect(lease.support('The deposit is 950 euros a month, paid on the first working day of each month.').supported).toBe(false);
  });

  it('a splice of two runs of one sentence is not supported, though every word pair is the source\'s', () => {
    const lease = new SourceIndex([{ id: 1, text: 'The deposit is two months of rent and is returned within thirty days of the end of the lease.' }]);
    expect(lease.support('The deposit is two months of rent.').supported).toBe(true);
    expect(lease.support('The deposit is two months of the end of the lease.').supported).toBe(false);
  });

  it('a splice of two source sentences, or of two passages, is not supported', () => {
    // Both halves are in the sources, word for word, but no one sentence says this.
    expect(index.support('The lamp burned whale oil until 1904, when it was built in 1871 on the northern cape.').supported).toBe(false);
    expect(index.support('Three keepers lived at Skerry Head at any time, when it was changed to paraffin vapour.').supported).toBe(false);
  });

  it('fragments and invented words are not supported', () => {
    expect(index.support('The to the lamp.').supported).toBe(false);
    expect(index.support('The Nomonch of the honey bee is the most common.').supported).toBe(false);
    expect(index.support('1, 1, 1, 1, 1900000, 1.').supported).toBe(false);
    expect(index.support('').supported).toBe(false);
  });

  it('ranks the sentences that answer a question first and says when none does', () => {
    expect(index.rank('How tall is the tower?')[0].sentence.text).toMatch(/41 metres/);
    expect(index.rank('What did the lamp burn?')[0].sentence.text).toMatch(/whale oil/);
    expect(index.answers('How many keepers lived there?')).toBe(true);
    expect(index.answers('Who designed the lens?')).toBe(false);
    expect(index.answers('What is the capital of Peru?')).toBe(false);
    expect(index.answers('?')).toBe(false);
    // Requests to compose are not questions the sources answer, though they hold the words.
    expect(index.answers('Write me a poem about the tower and its keepers.')).toBe(false);
    expect(index.answers('Tell me a story about the lamp.')).toBe(false);
    expect(index.answers('Tell me how tall the tower is.')).toBe(true);
    // A yes/no question about something the sources never name.
    expect(index.answers('Is the tower open on Sundays?')).toBe(false);
    expect(index.answers('Did the lamp burn whale oil?')).toBe(true);
  });

  it('finds the answer of the kind asked for beside the sentence that names what it is about', () => {
    const mail = new SourceIndex([{ id: 1, text: 'Payment from Sara Smith. She has sent you $2,500 for the design work. Thank you!' }]);
    expect(mail.answering('How much was paid by Sara?').map((r) => r.sentence.text)).toEqual(['She has sent you $2,500 for the design work.']);
    expect(mail.answers('How much was paid by Josh?')).toBe(false);
    // Sara paid: nothing here was paid to her.
    expect(mail.answers('How much was paid to Sara?')).toBe(false);
    // A number question is not answered by any sentence with a number in it.
    expect(index.answering('How tall is the tower?').map((r) => r.sentence.text)).toEqual(['The tower is 41 metres tall and has 120 steps from the door to the lamp room.']);
  });

  it('reads who paid whom, and answers a question about money paid only in the direction it asks', () => {
    const roles = (t: string) => paymentRoles(t);
    expect(roles('Your Mercury debit card ••4605 was preauthorized for $680.00 by JOLLYSEO.CO.')).toEqual({ to: [['jollyseo.co']], by: [['(you)']] });
    expect(roles("Ganesha Dirschka's card has received a $420.00 credit from TYPEFORM, S.L..")).toEqual({ to: [['ganesha', 'dirschka']], by: [['typeform']] });
    expect(roles('Ganesha Dirschka sent $11,055.00 to Ganesha Thirumurthi via ACH Payment')).toEqual({ to: [['ganesha', 'thirumurthi']], by: [['ganesha', 'dirschka']] });
    expect(roles('You sent a Wire Payment of $850.00 to 38Avenue.')).toEqual({ to: [['38avenue']], by: [['(you)']] });
    expect(roles('$45.00 Paid. Thank you for using Webflow!').to).toEqual([['webflow']]);
    // "applied to David's account" does not say David was paid.
    expect(roles("A payment of $200.85 was applied to David Patterson-Cole's financial account.").to).toEqual([]);
    expect(askedPayment('Find the $ value paid to Mr. Zoy?')).toEqual({ dir: 'to', who: ['zoy'] });
    expect(askedPayment('How much did Barlow & Williams pay?')).toEqual({ dir: 'by', who: ['barlow', 'williams'] });
    expect(askedPayment('How tall is the tower?')).toBeNull();

    const charge = new SourceIndex([{ id: 1, text: 'SUBJECT: Your card has been charged $680.00 by JOLLYSEO.CO. Hi David, your Mercury debit card was preauthorized for $680.00 by JOLLYSEO.CO. The settled amount may be different.' }]);
    expect(charge.answering('Find the $ value paid to JOLLYSEO?')[0].sentence.text).toMatch(/\$680\.00 by JOLLYSEO/);
    // The source's own sentence supports itself, its dotted name included.
    expect(charge.support('Hi David, your Mercury debit card was preauthorized for $680.00 by JOLLYSEO.CO.').supported).toBe(true);
    expect(charge.answers('Find the $ value paid by JOLLYSEO?')).toBe(false);
    // The bank named in "your Mercury debit card" was not paid.
    expect(charge.answers('Find the $ value paid to Mercury?')).toBe(false);
    // The reader is whom the mail greets.
    const credit = new SourceIndex([{ id: 1, text: 'Hi David, your Mercury debit card has received a $47.77 credit from DOCUSIGN. The money has been credited to your checking account.' }]);
    expect(credit.answers('Find the $ value paid to David?')).toBe(true);
    expect(credit.answers('Find the $ value paid by DOCUSIGN?')).toBe(true);
    expect(credit.answers('Find the $ value paid to DOCUSIGN?')).toBe(false);
    expect(credit.answers('Find the $ value paid by David?')).toBe(false);
  });

  it('reads a source whose words are the names of object properties', () => {
    const code = new SourceIndex([{ id: 1, text: 'The constructor calls toString and valueOf on every argument. A __proto__ key is ignored.' }]);
    expect(code.support('The constructor calls toString and valueOf on every argument.').supported).toBe(true);
    expect(code.answers('What does the constructor call?')).toBe(true);
    expect(stem('constructor')).toBe('constructor');
  });

  it('a command-line flag in a question is what it asks about', () => {
    // (The word beside the flag, "flag", says what it is, not what is asked of it: the entry need not have it.)
    const manual = new SourceIndex([{ id: 1, text: 'The -d flag forces decompression.\n-k --keep Keep the input files.\nThe flags go before the file names.' }]);
    expect(manual.answering('What does the -k flag do?')[0].sentence.text).toBe('-k --keep Keep the input files.');
    expect(manual.rank('What does the -k flag do?').find((r) => r.sentence.text.includes('-d'))!.held).toBeLessThan(0.5);
    expect(manual.support('-d --keep Keep the input files.').supported).toBe(false);
  });

  it('knows the kind of answer a question asks for', () => {
    expect(['How much was I charged?', 'What does a ticket cost?', 'Find the $ value paid to Zapier?', 'How much did Sara pay?'].map(answerKind)).toEqual(['money', 'money', 'money', 'money']);
    expect(['How tall is the tower?', 'When was it built?'].map(answerKind)).toEqual(['number', 'number']);
    expect(['Who wrote this document?', 'Who is the author of the page?', 'Who wrote Hamlet?'].map(answerKind)).toEqual(['author', 'author', 'author']);
    expect(['Who runs the broker?', 'Which program writes to the terminals of other users?'].map(answerKind)).toEqual([null, null]);
    // Who wrote it: a sentence that says so, not the verb in another sense.
    expect(['Written by Joey Hess.', 'Dickens wrote it in 1850.', 'The authors thank the reviewers.'].map((s) => fitsKind(s, 'Who wrote this?'))).toEqual([true, true, true]);
    expect(['If not, write to the Free Software Foundation.', 'Data written out by web servers is owned by www-data.', 'Executables written for interpretation by Python must use a shebang.'].map((s) => fitsKind(s, 'Who wrote this?'))).toEqual([false, false, false]);
    expect(['Bleak House was written by Dickens in 1850.', 'Authors: Neil Schemenauer <nas@debian.org>'].map((s) => fitsKind(s, 'Who wrote this?'))).toEqual([true, true]);
    // Charging a battery is not paying.
    expect(['Where are the forklifts charged?', 'Who paid for the roof?'].map(answerKind)).toEqual([null, null]);
  });

  it('a sentence that has a question\'s name but nothing asked of it does not answer', () => {
    const guide = new SourceIndex([{ id: 1, text: 'Tidewater runs on Linux with a 64-bit kernel. The command tidewater doctor checks the configuration.' }]);
    expect(guide.answers('Who founded the company that makes Tidewater?')).toBe(false);
    expect(guide.answers('What does Tidewater run on?')).toBe(true);
  });

  it('reads a table for the most, the least, the first and the last, and not for a count', () => {
    // Rows as app/widget/page-text.ts reads a table under a row of column names.
    const race = new SourceIndex([
      { id: 1, text: 'Pos: 1; Name: Justin Wilson; Points: 32\nPos: 2; Name: Oriol Servia; Points: 28\nPos: 3; Name: Bruno Junqueira; Points: 26' },
      { id: 2, text: 'Pos: 12; Name: Katherine Legge; Points: 9\nPos: 13; Name: Robert Doornbos; Points: 8\nPos: Total; Name: Total; Points: 103' },
    ]);
    const first = (q: string) => race.answering(q)[0];
    expect(first('Who finished with the most points?')).toMatchObject({ picked: true, sentence: { text: 'Pos: 1; Name: Justin Wilson; Points: 32' } });
    expect(first('Who finished with the fewest points?').sentence.text).toBe('Pos: 13; Name: Robert Doornbos; Points: 8');
    // Among the rows the question names, and a row of totals is not a row.
    expect(first('Who finished with more points, Legge or Junqueira?').sentence.text).toBe('Pos: 3; Name: Bruno Junqueira; Points: 26');
    expect(first('Who was the last driver listed?').sentence.text).toBe('Pos: 13; Name: Robert Doornbos; Points: 8');
    expect(first('Who was the first driver?').sentence.text).toBe('Pos: 1; Name: Justin Wilson; Points: 32');
    // A count is not read off one row; a column the table lacks picks nothing.
    expect(race.answering('How many drivers scored the most points?').some((r) => r.picked)).toBe(false);
    expect(race.answering('Who had the most pit stops?').some((r) => r.picked)).toBe(false);
    // A question that is not about the table beside it picks nothing from it.
    const beside = new SourceIndex([...passages, { id: 9, text: 'Year: 1990; Visitors: 1200\nYear: 2000; Visitors: 3400' }]);
    expect(beside.answering('When was the lighthouse first lit?').some((r) => r.picked)).toBe(false);
    // Not a table: nothing is picked.
    expect(index.answering('What is the tallest part of the lighthouse?').some((r) => r.picked)).toBe(false);
  });

  it('to a question for what a word means, the sentences that define it rank in the sources\' order', () => {
    const library = new SourceIndex([
      { id: 1, text: 'A color is a visual attribute of things that results from the light they emit or transmit or reflect. Other words for it: colour, coloring.' },
      { id: 2, text: 'A color is interest and variety and intensity. Other words for it: colour, vividness.' },
      { id: 3, text: 'To color is to add color to. Other words for it: colorize, colourise, colourize.' },
    ]);
    for (const q of ['What does colour mean?', 'Define color.', 'What is the meaning of colour?']) {
      expect(library.answering(q)[0].sentence.text).toMatch(/^A color is a visual attribute/);
    }
    expect(['What does colour mean?', 'Define "harbour".', 'How tall is the tower?'].map(definedWord)).toEqual(['color', 'harbor', null]);
  });

  it('a question that asks which of two is not a yes/no question', () => {
    const rows = new SourceIndex([{ id: 1, text: 'Date: 18 October 2010; Tournament: Seville, Spain; Surface: Clay; Opponent: Andrea Gámiz' }]);
    expect(rows.answers('Did she win on clay or hard surface in Seville, Spain on 18 October 2010?')).toBe(true);
  });

  it('knows which source sentences an answer so far stands on', () => {
    const used = index.citedIn('The tower is 41 metres tall. The to the lamp. Three keepers lived at Skerry Head at any time.');
    expect(used.map((s) => [s.passage, s.position])).toEqual([[1, 1], [3, 0]]);
    // As committed: two sentences the splitter joins when it reads them again (no capital after the stop).
    const doc = new SourceIndex([{ id: 7, text: 'There is no point in checking the return code.\ndeflateEnd() can be called at any time.' }]);
    const units = ['There is no point in checking the return code.', ' deflateEnd() can be called at any time.'];
    expect(doc.citedIn(units.join(''))).toEqual([]);
    expect(doc.citedIn(units.join(''), units).map((s) => s.position)).toEqual([0, 1]);
  });
});
