// Reading the page for a question: its visible text in passages, the instructions to an
// assistant it holds (data, never orders: listed, and taken out of what the model reads), the
// passages that answer the question best, and its tables whole for the table reader.

import { findInstructions } from '../../workers/protocol';
import { instructionText, passagesFor, readPage, tablePassages, withoutInstructions, type PageText, type Passage } from './page-text';

export interface PageReading {
  page: PageText;
  instructions: string[];
  passages: Passage[];
  tables: Passage[];
}

/** Throws NoReadableTextError when the page has no text a reader can see. */
export function readFor(doc: Document, question: string): PageReading {
  const page = readPage(doc);
  const instructions = findInstructions(instructionText(doc));
  const clean = withoutInstructions(page, instructions);
  return { page, instructions, passages: passagesFor(clean, question), tables: tablePassages(clean) };
}
