import { captureStdout, parseActionsLine, type ActionsLog, type ActionsLogLine } from './actions-log.js';

/**
 * @actions/cache is configured by process.env alone (service URLs, token, RUNNER_TEMP, the
 * workspace tar works in, HOME for `~` in paths) and reports on stdout. Each call therefore
 * runs alone: one at a time in this process, with its variables set for the call and put
 * back afterwards, and with stdout read into log lines. Other code that reads those
 * variables or writes to stdout while a call runs sees the call's view: keep cache calls
 * out of concurrent work.
 */
let queue: Promise<unknown> = Promise.resolve();

export interface ScopeResult<T> {
  value: T;
  /** Every line @actions/cache logged during the call, in order. */
  lines: ActionsLogLine[];
}

export function inCacheScope<T>(env: Readonly<Record<string, string | undefined>>, log: ActionsLog, fn: () => Promise<T>): Promise<ScopeResult<T>> {
  const run = async (): Promise<ScopeResult<T>> => {
    const saved = new Map<string, string | undefined>();
    for (const [name, value] of Object.entries(env)) {
      saved.set(name, process.env[name]);
      setVar(name, value);
    }
    const lines: ActionsLogLine[] = [];
    const release = captureStdout((raw) => {
      const line = parseActionsLine(raw);
      lines.push(line);
      try {
        log(line);
      } catch {
        // A failing log must not fail the cache call, which treats the cache as optional.
      }
    });
    try {
      return { value: await fn(), lines };
    } finally {
      release();
      for (const [name, value] of saved) setVar(name, value);
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

function setVar(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
