import { CONTAINERIZE_BODY, SH_COMMON } from '../jail/launcher-body.gen.js';
import { shQuote, shVar } from '../jail/launcher.js';
import type { ContainerizeSpec } from './containerize-spec.js';

/** The generated prelude: the spec as sh variables. Pure. */
export function renderContainerizePrelude(spec: ContainerizeSpec): string {
  const v = shVar;
  return [
    '#!/bin/sh',
    `# containerize launcher for ${spec.group}/${spec.instance} in ${spec.trees}.`,
    '# Run as root: sh THIS-FILE [command args...] runs the command (default: bash, else sh)',
    '# in the build root, joining the container when it is already running.',
    "MC_PROG='containerize'",
    v('MC_TREES', spec.trees),
    v('MC_GROUP', spec.group),
    v('MC_INSTANCE', spec.instance),
    v('MC_GROUPDIR', spec.groupDir),
    v('MC_HOOKS', spec.hooksDir),
    v('MC_TREE', spec.tree),
    v('MC_ROOT', spec.root),
    v('MC_OVERLAY', spec.overlay),
    v('MC_UPPER', spec.upperDir),
    v('MC_WORK', spec.workDir),
    v('MC_STATE', spec.stateDir),
    v('MC_CGROUP', spec.cgroup),
    `MC_UNSHARE=${shQuote(spec.unshare.join(' '))}`,
    `MC_NSENTER=${shQuote(spec.nsenter.join(' '))}`,
    v('MC_PIDNS', spec.pidNs),
    v('MC_UTSNS', spec.utsNs),
    v('MC_PROPAGATION', spec.propagation),
    v('MC_WORKDIR', spec.workdir),
    `MC_COMMAND=${shQuote(spec.command.map(shQuote).join(' '))}`,
    '',
  ].join('\n');
}

/** ContainerizeSpec -> a standalone POSIX sh launcher. Pure. */
export function renderContainerizeLauncher(spec: ContainerizeSpec): string {
  return renderContainerizePrelude(spec) + SH_COMMON + CONTAINERIZE_BODY;
}
