// Answers through the llm worker with the corrector beside it: the chat and the in-page
// assistant's frame both answer through this.
import { CANDIDATE_SOURCES, CHECKS, toRedraftError, withoutAligner } from '../../workers/protocol';
import { usesAligner } from '../bridges/aligner';
import { runAnswer, stopAnswer } from '../bridges/llm';
import { useAligner } from './aligner';
import type { AnswerService } from './chat';
import { useModel } from './model';

export const answerService: AnswerService = {
  async answer(req, onEvent) {
    if (req.align && usesAligner(req.align)) {
      try {
        // The corrector runs beside the generator, on the same backend.
        await useAligner.getState().prepare(useModel.getState().backend?.backend ?? 'wasm', req.align.alignerToken);
      } catch (e) {
        // Chat goes on, and the answer says plainly that the aligner did not check it.
        const align = withoutAligner(req.align);
        const stats = await runAnswer({ ...req, align }, onEvent);
        const instead = align.check === 'off' ? 'its sentences were not checked' : `its sentences were checked (${CHECKS[align.check].short}) and corrected by ${CANDIDATE_SOURCES[align.correction]}`;
        return { ...stats, alignmentUnavailable: `Alignment unavailable (${toRedraftError(e).message}): this answer was written without the aligner, so ${instead}.` };
      }
    }
    return runAnswer(req, onEvent);
  },
  stop: stopAnswer,
};
