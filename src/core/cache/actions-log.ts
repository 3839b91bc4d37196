/**
 * @actions/cache reports through @actions/core, which writes workflow commands to stdout
 * (`::warning::text`, `::debug::text`, `::add-mask::secret`) and plain lines for info. The
 * core must not import @actions/core, and a failed save or restore only ever shows up there
 * (the call itself returns -1 or undefined), so we read those lines while a call runs.
 */
export type ActionsLogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'mask' | 'command';

export interface ActionsLogLine {
  level: ActionsLogLevel;
  /** The text, unescaped (a warning's `%0A` is a newline again). */
  message: string;
  /** The line as @actions/core wrote it, without the newline: what a runner expects to read. */
  raw: string;
}

export type ActionsLog = (line: ActionsLogLine) => void;

const LEVELS: Record<string, ActionsLogLevel> = {
  debug: 'debug',
  notice: 'notice',
  warning: 'warning',
  error: 'error',
  'add-mask': 'mask',
};

/** One stdout line as a log line: `::name props::data` is a command, anything else is info. */
export function parseActionsLine(raw: string): ActionsLogLine {
  // Properties cannot hold ':' (@actions/core escapes it as %3A), so the first '::' after
  // the name ends them.
  const m = /^::([A-Za-z][\w-]*)(?: [^:]*)?::(.*)$/.exec(raw);
  if (!m) return { level: 'info', message: raw, raw };
  return { level: LEVELS[m[1]!] ?? 'command', message: unescapeData(m[2]!), raw };
}

/** The inverse of @actions/core's escapeData. */
function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/**
 * Sends every line written to process.stdout to `sink`, as it is written, until the
 * returned function is called (which also delivers an unterminated last line). Writes made
 * by the sink itself go to the real stdout, so a sink may print.
 */
export function captureStdout(sink: (raw: string) => void): () => void {
  const stdout = process.stdout;
  const original = stdout.write;
  let pending = '';
  let inSink = false;
  const deliver = (raw: string) => {
    inSink = true;
    try {
      sink(raw);
    } finally {
      inSink = false;
    }
  };
  const write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    if (inSink) return (original as (...a: unknown[]) => boolean).call(stdout, chunk, encoding, callback);
    pending += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl).replace(/\r$/, '');
      pending = pending.slice(nl + 1);
      deliver(line);
    }
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  };
  stdout.write = write as typeof stdout.write;
  return () => {
    stdout.write = original;
    if (pending !== '') sink(pending);
    pending = '';
  };
}

/** Writes a line to stdout as @actions/core wrote it: what happens without a log of one's own. */
export const passThrough: ActionsLog = (line) => {
  process.stdout.write(`${line.raw}\n`);
};
