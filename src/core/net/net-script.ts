import { shQuote } from '../jail/launcher.js';
import { bridgeAlias, hostVethName } from './iface-names.js';
import { bridgeForwardAddSteps, bridgeForwardRemoveSteps, natAddSteps, natRemoveSteps, type NatBackend } from './nat-rules.js';
import { CONTAINER_PID, attachSteps, bridgeSteps, detachSteps, type AttachPlan, type NetStep, type Word } from './steps.js';

/**
 * The same plumbing as ensureBridge + attach (+ enableNat) and detach +
 * removeBridgeIfUnused (+ disableNat), as POSIX sh for the jail's launcher, so that
 * starting a networked jail costs no Node start-up. Pure. The text defines two functions:
 *
 *   mc_net_up PID   connect the network namespace of process PID (the jail's unshare child)
 *   mc_net_down     disconnect it; remove the bridge (and its NAT) once no port is left
 *
 * Both return non-zero at the first step that fails, after printing ip's message; they
 * need ip (iproute2), nsenter (util-linux), readlink and sed on the PATH, plus iptables
 * or nft for NAT.
 * Like the Node side, the launcher should run them under the network lock
 * (`flock LIBRARYDIR/network.lock`) when several jails share a bridge.
 */
export interface NetScriptPlan extends AttachPlan {
  /** The bridge's address with the prefix length, e.g. 10.213.0.1/24. */
  gatewayCidr: string;
  /** A process in the bridge's network namespace; absent for the launcher's own. */
  netnsPid?: number;
  /** Outbound NAT for this pool, e.g. 10.213.0.0/24. */
  nat?: { pool: string; backend: NatBackend };
  /** The library directory whose network the bridge is (BridgeOptions.owner). */
  owner?: string;
  /** An iptables FORWARD accept between the bridge's ports (BridgeOptions.forwardAccept). */
  forwardAccept?: boolean;
}

function word(w: Word): string {
  if (w === CONTAINER_PID) return '"$1"';
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : shQuote(w);
}

function command(words: Word[], where: NetStep['in'], plan: NetScriptPlan): string {
  const prefix = where === 'container' ? 'nsenter --net=/proc/"$1"/ns/net ' : plan.netnsPid !== undefined ? `nsenter --net=/proc/${plan.netnsPid}/ns/net ` : '';
  return prefix + words.map(word).join(' ');
}

/**
 * One step as lines: the same guard / run / guard-again logic as runStep in Node. FAIL
 * is what a failure runs; INDENT goes before each line (not inside a quoted argument
 * that spans lines, such as nft's script).
 */
function line(step: NetStep, plan: NetScriptPlan, fail = 'return 1', indent = '  '): string {
  const quiet = (words: Word[]) => `${command(words, step.in, plan)} >/dev/null 2>&1`;
  const run = command(step.run, step.in, plan);
  const body = step.unless
    ? `${quiet(step.unless)} || ${run} || ${quiet(step.unless)} || ${fail}`
    : step.onlyIf
      ? // What goes may go by itself meanwhile (a dead container's veth goes with its
        // namespace, asynchronously): the step's message is shown only when it failed
        // and the thing is still there.
        `! ${quiet(step.onlyIf)} || mc_e=$(${run} 2>&1 >/dev/null) || ! ${quiet(step.onlyIf)} || { printf '%s\\n' "$mc_e" >&2; ${fail}; }`
      : `${run} || ${fail}`;
  return `${indent}# ${step.why.replace(/\n/g, ' ')}\n${indent}${body}`;
}

export function renderNetScript(plan: NetScriptPlan): string {
  const veth = hostVethName(plan.bridge, plan.name);
  const bridgeCmd = (words: string[]) => command(words, 'bridge', plan);
  const notShared = ['/proc/self/ns/net', ...(plan.netnsPid === undefined ? [] : [`/proc/${plan.netnsPid}/ns/net`])].map((ns) => ` && [ "$mc_ns" != "$(readlink ${ns})" ]`).join('');
  const [create, ...configure] = attachSteps(plan);
  // As attach() does: a pair that could not be configured is deleted (both ends go).
  const undo = `{ ${bridgeCmd(['ip', 'link', 'del', 'dev', veth])} 2>/dev/null; return 1; }`;
  const alias = plan.owner === undefined ? undefined : bridgeAlias(plan.owner);
  const ownerCheck =
    alias === undefined
      ? []
      : [
          "  # the bridge must not be another library directory's network (see bridgeAlias)",
          `  mc_alias=$(${bridgeCmd(['ip', 'link', 'show', 'dev', plan.bridge])} 2>/dev/null | sed -n 's/^ *alias //p')`,
          `  [ -z "$mc_alias" ] || [ "$mc_alias" = ${shQuote(alias)} ] ||`,
          `    { echo "micro-container: the bridge ${plan.bridge} belongs to another network ('$mc_alias'): use that library directory, or give this one its own bridge and pool" >&2; return 1; }`,
        ];
  const forwardAdd = plan.forwardAccept ? bridgeForwardAddSteps(plan.bridge) : [];
  const removeRules = [...(plan.forwardAccept ? bridgeForwardRemoveSteps(plan.bridge) : []), ...(plan.nat ? natRemoveSteps(plan.nat.pool, plan.bridge, plan.nat.backend) : [])].map((s) =>
    line(s, plan, 'return 1', '    '),
  );
  return [
    `# micro-container network for '${plan.name}': ${plan.ip}/${plan.prefix} (${plan.mac}) on the bridge ${plan.bridge}, host end ${veth}`,
    'mc_net_up() {',
    // A pid whose namespace is the bridge's (or ours) would get eth0 and its default
    // route put into that namespace: the host's, in production.
    '  # the container must have a network namespace of its own',
    `  mc_ns=$(readlink /proc/"$1"/ns/net) && [ -n "$mc_ns" ]${notShared} ||`,
    `    { echo "micro-container: process $1 has no network namespace of its own" >&2; return 1; }`,
    ...ownerCheck,
    ...[...bridgeSteps(plan.bridge, plan.gatewayCidr, alias), ...forwardAdd, ...(plan.nat ? natAddSteps(plan.nat.pool, plan.bridge, plan.nat.backend) : []), create].map((s) => line(s, plan)),
    ...configure.map((s) => line(s, plan, undo)),
    '}',
    'mc_net_down() {',
    ...detachSteps(plan.bridge, plan.name).map((s) => line(s, plan)),
    // Also when the bridge is gone already (deleting it then fails quietly): its rules must not outlive it.
    '  # the bridge goes with its last port, and its rules with it',
    `  if ! ${bridgeCmd(['ip', 'link', 'show', 'dev', plan.bridge])} >/dev/null 2>&1 || [ -z "$(${bridgeCmd(['ip', '-o', 'link', 'show', 'master', plan.bridge])})" ]; then`,
    `    ${bridgeCmd(['ip', 'link', 'del', 'dev', plan.bridge])} 2>/dev/null || ! ${bridgeCmd(['ip', 'link', 'show', 'dev', plan.bridge])} >/dev/null 2>&1 || return 1`,
    ...removeRules,
    '  fi',
    '}',
    '',
  ].join('\n');
}
