// One entry for an answer: plain decoding when the sentence loop is off, the loop otherwise.

import { makeMethods } from './align/methods';
import { alignedAnswer } from './align/orchestrator';
import { DEFAULT_ALIGN_SETTINGS, type Corrector } from './align/types';
import type { Engine } from './engine/types';
import { generateAnswer } from './generate';
import type { AnswerEvent, AnswerRequest, AnswerStats } from './protocol';

export function answerWith(
  engine: Engine,
  req: AnswerRequest,
  emit: (e: AnswerEvent) => void,
  isStopped: () => boolean,
  corrector: Corrector | null = null,
): Promise<AnswerStats> {
  // Instructions found in a web page, and support in the sources, are checked for even with the checks off.
  if (!req.sources && (!req.align || (req.align.check === 'off' && !req.align.pageInstructions?.length))) return generateAnswer(engine, req, emit, isStopped);
  const align = req.align ?? { ...DEFAULT_ALIGN_SETTINGS, check: 'off', correction: 'redact' };
  return alignedAnswer(engine, req, req.sources ? { ...align, sources: req.sources } : align, makeMethods(corrector), emit, isStopped);
}
