import { describe, expect, it } from 'vitest';
import { captureStdout, parseActionsLine } from '../../src/core/cache/actions-log.js';
import { execSafe } from '../../src/core/cache/work-dir.js';

describe('parseActionsLine: @actions/core output as log lines', () => {
  it.each([
    ['Cache restored successfully', 'info', 'Cache restored successfully'],
    ['', 'info', ''],
    ['::warning::Failed to save: boom', 'warning', 'Failed to save: boom'],
    ['::error::Failed to restore: Cache service responded with 502', 'error', 'Failed to restore: Cache service responded with 502'],
    ['::debug::Resource Url: http://x/_apis/artifactcache/cache?keys=a%2Cb', 'debug', 'Resource Url: http://x/_apis/artifactcache/cache?keys=a%2Cb'],
    ['::notice::n', 'notice', 'n'],
    ['::add-mask::s3cr%25t', 'mask', 's3cr%t'],
    // Properties (escaped: no ':' in them) before the data.
    ['::warning file=a%3Ab,line=3::two%0Alines 100%25', 'warning', 'two\nlines 100%'],
    ['::group::Restore', 'command', 'Restore'],
    ['::endgroup::', 'command', ''],
    // Not a command: '::' must start the line and a name must follow.
    [' ::warning::x', 'info', ' ::warning::x'],
    [':: warning::x', 'info', ':: warning::x'],
  ])('%j', (raw, level, message) => {
    expect(parseActionsLine(raw)).toEqual({ level, message, raw });
  });
});

describe('captureStdout', () => {
  it('splits writes into lines, keeps the rest for the end, and lets the sink print', () => {
    const seen: string[] = [];
    const printed: string[] = [];
    const realWrite = process.stdout.write;
    // Stand in for the terminal, to see what the sink's own print reaches.
    process.stdout.write = ((chunk: string) => printed.push(chunk) > 0) as typeof process.stdout.write;
    try {
      const release = captureStdout((line) => {
        seen.push(line);
        process.stdout.write(`echo ${line}\n`);
      });
      process.stdout.write('a\nb');
      process.stdout.write(Buffer.from('c\r\n::warning::d\n'));
      let called = false;
      process.stdout.write('e', () => (called = true));
      release();
      expect(seen).toEqual(['a', 'bc', '::warning::d', 'e']);
      // The last line is delivered by release(), after stdout is given back: its print goes out too.
      expect(printed).toEqual(['echo a\n', 'echo bc\n', 'echo ::warning::d\n', 'echo e\n']);
      process.stdout.write('after\n');
      expect(printed.at(-1)).toBe('after\n');
      return new Promise<void>((done) => process.nextTick(() => (expect(called).toBe(true), done())));
    } finally {
      process.stdout.write = realWrite;
    }
  });
});

describe('execSafe: paths @actions/exec passes through its command line intact', () => {
  it.each([
    ['/tmp/mc-cache-x', true],
    ['/home/runner/work/_temp/a.b-c_d', true],
    ['/tmp/with space', false],
    ['/tmp/tab\there', false],
    ['/tmp/quote"d', false],
    ['/tmp/back\\slash', false],
  ])('%j -> %j', (p, safe) => {
    expect(execSafe(p)).toBe(safe);
  });
});
