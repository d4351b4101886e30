// The table reader: answers a table holds but no row says (counts, sums, averages, the row
// before or after one), stated with the rows they were computed from; null for any question it
// cannot read, so the sentence loop (which only quotes) answers it instead.
import { describe, expect, it } from 'vitest';
import { SourceIndex, sourceSentencesOf } from '../workers/align/support';
import { readTable } from '../workers/align/table-reader';

// Rows as the page reader writes them: one per line, "Column: value; …", empty cells left out.
const schools = [
  'School: Alder Primary; Low grade: PK; High grade: 5; Students: 120',
  'School: Birch Academy; Low grade: K; High grade: 8; Students: 310',
  'School: Cedar Hill School; Low grade: PK; High grade: 8; Students: 95',
  'School: Dunmore Seminary; Low grade: 9; High grade: 12; Students: 402',
  'School: Elm Grove Kindergarten; Low grade: PK; High grade: K',
].join('\n');
const films = [
  'Year: 2008; Film: Harbour Lights; Role: Ana; Awards: 1',
  'Year: 2010; Film: The Salt Road; Role: Mira; Awards: 0',
  'Year: 2011; Film: Northern Cape; Role: Kate; Awards: 3',
  'Year: 2013; Film: Lamp Room; Role: Ines; Awards: 2',
  'Year: 2015; Film: Two Summers; Role: Vera; Awards: 4',
].join('\n');
const rowsOf = (...texts: string[]) => new SourceIndex(texts.map((text, i) => ({ id: i + 1, text }))).tableRows();

describe('table reader', () => {
  it('counts the rows that hold a cell the question names, and names them; a row with empty cells is still a row', () => {
    const a = readTable('How many schools offer PK?', rowsOf(schools))!;
    expect(a.kind).toBe('computed');
    expect(a.text).toBe('3 of the table’s 5 rows have “PK” under “low grade”: Alder Primary, Cedar Hill School and Elm Grove Kindergarten.');
    expect(a.rows.map((r) => r.cells.get('school'))).toEqual(['Alder Primary', 'Cedar Hill School', 'Elm Grove Kindergarten']);
  });

  it('counts over a table split across passages, with a comparison on a year column', () => {
    const [first, second] = [films.split('\n').slice(0, 3).join('\n'), films.split('\n').slice(3).join('\n')];
    expect(readTable('How many films were made after 2010?', rowsOf(first, second))!.text)
      .toBe('3 of the table’s 5 rows have more than 2010 under “year”: Northern Cape, Lamp Room and Two Summers.');
    expect(readTable('How many films came out between 2009 and 2013?', rowsOf(films))!.text).toMatch(/^3 of the table’s 5 rows have between 2009 and 2013 under “year”/);
  });

  it('sums a column, over every row or over the rows named, and averages them', () => {
    expect(readTable('What is the total number of awards?', rowsOf(films))!.text).toBe('The “awards” column of the table’s 5 rows adds up to 10.');
    expect(readTable('How many awards did Northern Cape and Two Summers win in total?', rowsOf(films))!.text)
      .toBe('Together, Northern Cape and Two Summers have 7 under “awards” (3 + 4).');
    expect(readTable('What is the average number of students at Birch Academy and Dunmore Seminary?', rowsOf(schools))!.text)
      .toBe('The average under “students” for Birch Academy and Dunmore Seminary is 356 (310 + 402, over 2).');
  });

  it('answers one row\'s number with that row, word for word', () => {
    const a = readTable('How many students does Birch Academy have?', rowsOf(schools))!;
    expect(a).toMatchObject({ kind: 'row', text: 'School: Birch Academy; Low grade: K; High grade: 8; Students: 310' });
  });

  it('counts each of two values asked about, among the rows that hold the rest', () => {
    const matches = [
      'Date: 3 May; Team: Rovers; Opponent: Athletic; Result: Won', 'Date: 10 May; Team: Rovers; Opponent: United; Result: Lost',
      'Date: 17 May; Team: Athletic; Opponent: United; Result: Won', 'Date: 24 May; Team: Rovers; Opponent: City; Result: Won',
    ].join('\n');
    expect(readTable('Which is greater, the number of times Rovers won or the number of times they lost?', rowsOf(matches))!.text)
      .toBe('Of the rows with “Rovers” under “team”, 2 “Won” and 1 “Lost” under “result”.');
  });

  it('reads the row after or before the one named', () => {
    expect(readTable('Which film came after The Salt Road?', rowsOf(films))).toMatchObject({ kind: 'row', text: films.split('\n')[2] });
    expect(readTable('What film was listed before Lamp Room?', rowsOf(films))).toMatchObject({ kind: 'row', text: films.split('\n')[2] });
    // The last row has none after it.
    expect(readTable('Which film came after Two Summers?', rowsOf(films))).toBeNull();
  });

  it('answers with the one row that holds every cell the question names', () => {
    expect(readTable('What was her role in 2011?', rowsOf(films))).toMatchObject({ kind: 'row', text: films.split('\n')[2] });
    // Two rows hold "PK" and "8": not one row.
    expect(readTable('Which school runs from PK to 8?', rowsOf(schools))).toBeNull();
  });

  it('counts the different values of the column asked about, and compares with "N or fewer"', () => {
    const singles = ['Year: 1998; Single: Rain Song', 'Year: 1998; Single: Low Tide', 'Year: 2001; Single: Lamp Room', 'Year: 2004; Single: Two Summers'].join('\n');
    expect(readTable('How many years did he release singles?', rowsOf(singles))!.text).toBe('The table has 3 different “year” values: 1998, 2001 and 2004.');
    expect(readTable('How many films won 2 awards or fewer?', rowsOf(films))!.text).toMatch(/^3 of the table’s 5 rows have at most 2 under “awards”: Harbour Lights, The Salt Road and Lamp Room\.$/);
  });

  it('reads a row with a stop in a cell as one row', () => {
    const episodes = ['#: 1; Episode: "Goodbye City...Hello Country"; Viewers: 9.1', '#: 2; Episode: "Dr. Kim Comes Home"; Viewers: 8.4', '#: 3; Episode: "Harbour Lights"; Viewers: 7.9'].join('\n');
    expect(sourceSentencesOf(`Season one.\n${episodes}\nIt ran for a year. Then it ended.`))
      .toEqual(['Season one.', ...episodes.split('\n'), 'It ran for a year.', 'Then it ended.']);
    expect(readTable('Which episode came after Goodbye City...Hello Country?', rowsOf(episodes))).toMatchObject({ kind: 'row', text: episodes.split('\n')[1] });
  });

  it('leaves to the sentence loop what it cannot read with confidence', () => {
    // Not about the table; a superlative (the loop's ranking picks that row); a count of nothing
    // named; a condition beside the neighbour; a count that no row meets.
    for (const q of ['What is the capital of Peru?', 'Which school has the most students?', 'How many keepers lived at the lighthouse?',
      'What was the next film after The Salt Road in which she won more than one award?', 'How many films were made after 2020?']) {
      expect(readTable(q, rowsOf(films, schools)), q).toBeNull();
    }
    // Too few rows to be a table.
    expect(readTable('How many films were made after 2010?', rowsOf(films.split('\n').slice(0, 2).join('\n')))).toBeNull();
  });
});
