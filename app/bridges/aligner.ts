import type { AlignerWorkerApi } from '../../workers/aligner.worker';
import { WorkerBridge } from './worker-bridge';

export const alignerBridge = new WorkerBridge<AlignerWorkerApi>(
  () => new Worker(new URL('../../workers/aligner.worker.ts', import.meta.url), { type: 'module', name: 'aligner' }),
  'aligner',
);
