/** Messages between the server and its read workers (structured clone: plain data only). */
import type { BriefingTask, ExportTask, ListTask } from './read-ops';

export type Op = 'briefing' | 'list' | 'export';
export type TaskArgs = { briefing: BriefingTask; list: ListTask; export: ExportTask };

export type ToWorker =
  | { type: 'task'; id: number; op: Op; args: TaskArgs[Op] }
  /** the chunk was written to the client: the worker may send more */
  | { type: 'ack'; id: number }
  /** the client went away: stop the export */
  | { type: 'cancel'; id: number };

export type WorkerFailure = { message: string; status?: number; code?: string };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number; value: unknown }
  | { type: 'fail'; id: number; error: WorkerFailure }
  | { type: 'chunk'; id: number; data: Uint8Array };

/** What a worker is opened on. */
export type WorkerSetup = { file: string };
