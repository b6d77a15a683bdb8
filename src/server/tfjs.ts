import { Worker } from 'node:worker_threads';
import type { ScriptResult } from '../analysis/script/analyze';

/** What the TensorFlow.js thread is started with. */
export interface TfjsWorkerData {
  readonly l10nBundle?: Record<string, string>;
}

/** One file for the TensorFlow.js thread: its text and the options that cross threads. */
export interface TfjsJob {
  readonly id: number;
  readonly text: string;
  readonly options: {
    readonly select?: readonly string[];
    readonly ignore?: readonly string[];
    readonly sites?: boolean;
    readonly path?: string;
    readonly jsx: boolean;
  };
}

export interface TfjsReply extends ScriptResult {
  readonly id: number;
}

/**
 * The TensorFlow.js analyzer on a worker thread of the language server's (`dist/tfjs-worker.js`),
 * started with the first TypeScript or JavaScript file that imports TensorFlow.js: parsing a
 * large file with typescript-estree takes a tenth of a second or more, and in one thread that
 * would hold up every other document's diagnostics and hovers. A thread that dies fails the
 * files it had (their analysis says so) and is started again for the next one.
 */
export class TfjsThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (result: ScriptResult) => void; reject: (error: Error) => void }>();

  constructor(
    private readonly script: string,
    private readonly data: TfjsWorkerData,
  ) {}

  analyze(text: string, options: TfjsJob['options']): Promise<ScriptResult> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<ScriptResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const job: TfjsJob = { id, text, options };
      worker.postMessage(job);
    });
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
    this.fail(new Error('the language server is shutting down'));
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, { workerData: this.data });
    worker.on('message', (reply: TfjsReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      const { id: _id, ...result } = reply;
      waiting?.resolve(result);
    });
    const ended = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.fail(error);
    };
    worker.on('error', ended);
    worker.on('exit', (code) => ended(new Error(`the TensorFlow.js thread stopped (exit code ${code})`)));
    // The server may end while the thread idles.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private fail(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
