import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { buildContainerizeSpec } from '../../src/core/trees/containerize-spec.js';
import {
  available,
  checkCloneNames,
  containerizeStatePath,
  groupPath,
  hooksPath,
  instancePath,
  isWorkOf,
  lockPath,
  mountsUnder,
  overlayPath,
  parseKeeper,
  resolveTrees,
  treeNames,
  unescapeMountPath,
  workPrefix,
} from '../../src/core/trees/layout.js';
import { statStartTime } from '../../src/core/processes.js';

describe('trees paths', () => {
  it.each([
    ['group', groupPath('/trees', 'ci'), '/trees/ci'],
    ['instance', instancePath('/trees', 'ci', 'job1'), '/trees/ci/job1'],
    ['scripts', hooksPath('/srv/t', 'ci'), '/srv/t/ci/.container'],
    ['overlay writes', overlayPath('/trees', 'ci', 'job1'), '/trees/ci/.overlay/job1'],
    ['lock', lockPath('/trees', 'ci', 'job1'), '/trees/ci/.job1.lock'],
    ['clone temp prefix', workPrefix('/trees', 'ci', 'job1', 'clone'), '/trees/ci/.job1.clone-'],
    ['removal prefix', workPrefix('/trees', 'ci', 'job1', 'rm'), '/trees/ci/.job1.rm-'],
    ['default trees', resolveTrees(undefined), '/trees'],
    ['empty trees', resolveTrees(''), '/trees'],
    ['trees made absolute', resolveTrees('/srv//t/'), '/srv/t'],
  ])('%s', (_, got, want) => expect(got).toBe(want));
});

describe('isWorkOf: the clone and removal temps of one instance, and nothing else', () => {
  it.each([
    ['.a.clone-Ab3xYz', 'a', true],
    ['.a.rm-000000', 'a', true],
    ['.a.clone-Ab3xY', 'a', false], // mkdtemp adds exactly six
    ['.a.clone-Ab3xYz7', 'a', false],
    ['.a.clone-Ab3xYz', 'b', false],
    ['.a.clone-abcdef.clone-Ab3xYz', 'a', false], // the work of instance `a.clone-abcdef`
    ['.a.clone-abcdef.clone-Ab3xYz', 'a.clone-abcdef', true],
    ['.a.lock', 'a', false],
    ['a.clone-Ab3xYz', 'a', false],
    ['.a.copy-Ab3xYz', 'a', false],
    ['.a.clone-Ab3x.z', 'a', false],
  ])('%s of %s: %s', (name, instance, want) => expect(isWorkOf(name, instance)).toBe(want));
});

describe('treeNames: instances and groups among directory entries', () => {
  it.each([
    ['dot-dirs, locks and temps are left out', ['.container', '.overlay', '.a.lock', '.a.clone-Ab3xYz', 'b', 'a'], ['a', 'b']],
    ['files are left out', ['a', 'notes.txt'], ['a']],
    ['names no command could name are left out', ['ok', 'with space', '-dash', 'x'.repeat(129)], ['ok']],
    ['sorted', ['b2', 'B1', 'a_3', 'a+1', 'a.2'], ['B1', 'a+1', 'a.2', 'a_3', 'b2']],
    ['nothing', [], []],
  ])('%s', (_, names, want) => {
    const entries = names.map((name) => ({ name, dir: name !== 'notes.txt' }));
    expect(treeNames(entries)).toEqual(want);
  });
});

describe('checkCloneNames', () => {
  it.each([
    ['ci', 'template', 'job1', undefined],
    ['ci', 'template', 'template', /cannot clone ci\/template onto itself: name a new instance/],
    ['ci', '.container', 'job1', /instance '\.container' is not a valid name: use letters/],
    ['ci', 'template', '../x', /instance '\.\.\/x' is not a valid name/],
    ['ci', 'template', 'a/b', /instance 'a\/b' is not a valid name/],
    ['', 'template', 'job1', /group '' is not a valid name/],
    ['ci', 'template', '', /instance '' is not a valid name/],
  ])('%s %s %s', (group, from, to, error) => {
    const call = () => checkCloneNames(group, from, to);
    if (error) {
      expect(call).toThrow(ConfigError);
      expect(call).toThrow(error);
    } else expect(call).not.toThrow();
  });
});

const MOUNTINFO = [
  '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
  '30 22 0:27 / /trees/ci/job1/proc rw shared:2 - proc proc rw',
  '31 22 0:28 / /trees/ci/job10 rw shared:3 - tmpfs tmpfs rw',
  '32 22 0:29 / /trees/ci/with\\040space/dev rw shared:4 - devtmpfs udev rw',
  '33 22 0:30 / /trees/ci/job1 rw shared:5 - tmpfs tmpfs rw',
  '34 22 0:31 / /trees/ci/job1/proc rw shared:6 - proc proc rw',
  '',
].join('\n');

describe('mountsUnder: what is mounted in a tree', () => {
  it.each([
    ['strictly under', '/trees/ci/job1', false, ['/trees/ci/job1/proc']],
    ['and the tree itself', '/trees/ci/job1', true, ['/trees/ci/job1', '/trees/ci/job1/proc']],
    ['a longer name is another tree', '/trees/ci/job', true, []],
    ['a trailing slash', '/trees/ci/job10/', true, ['/trees/ci/job10']],
    ['escaped spaces', '/trees/ci/with space', false, ['/trees/ci/with space/dev']],
    ['the whole group', '/trees/ci', false, ['/trees/ci/job1', '/trees/ci/job1/proc', '/trees/ci/job10', '/trees/ci/with space/dev']],
    ['nothing there', '/trees/other', true, []],
    ['/ holds everything', '/', true, ['/', '/trees/ci/job1', '/trees/ci/job1/proc', '/trees/ci/job10', '/trees/ci/with space/dev']],
  ])('%s', (_, dir, self, want) => expect(mountsUnder(MOUNTINFO, dir, self)).toEqual(want));

  it.each([
    ['/a\\040b', '/a b'],
    ['/tab\\011x', '/tab\tx'],
    ['/nl\\012x', '/nl\nx'],
    ['/back\\134slash', '/back\\slash'],
    ['/plain', '/plain'],
  ])('unescapes %s', (field, want) => expect(unescapeMountPath(field)).toBe(want));
});

describe('containerize keeper records', () => {
  it.each([
    ['1234 98765\n', { pid: 1234, start: '98765' }],
    ['1234 98765', { pid: 1234, start: '98765' }],
    ['', undefined], // torn down: the file is emptied
    ['1234\n', undefined],
    ['x 1\n', undefined],
  ])('parseKeeper(%j)', (text, want) => expect(parseKeeper(text)).toEqual(want));

  const fields = (comm: string) => `4321 (${comm}) S 1 4321 4321 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 55555 1000 10 18446744073709551615`;
  it.each([
    ['a plain name', fields('sh'), '55555'],
    ['a name with spaces and a paren', fields('a b) c'), '55555'],
    ['not a stat line', 'garbage', undefined],
  ])('statStartTime: %s', (_, stat, want) => expect(statStartTime(stat)).toBe(want));

  it('reads start times the way the host writes them', async () => {
    const { readFileSync } = await import('node:fs');
    const stat = readFileSync('/proc/self/stat', 'utf8');
    expect(statStartTime(stat)).toBe(stat.split(' ')[21]); // our own name, "node", has no spaces
  });

  it.each([
    ['/trees', 'ci', 'job1'],
    ['/srv/other trees', 'g.1', 'a+b'],
  ])('the state directory is the one containerize uses (%s %s %s)', (trees, group, instance) => {
    const spec = buildContainerizeSpec({ trees, group, instance }, { cwd: '/', readFile: () => undefined });
    expect(containerizeStatePath(spec.trees, group, instance)).toBe(spec.stateDir);
  });
});

describe('available', () => {
  it.each([
    [['a', 'b'], 'instances there: a, b'],
    [[], 'there are no instances'],
  ])('%j', (names, want) => expect(available('instances', names)).toBe(want));
});
