import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hostCgroupLayout } from './cgroup/container-cgroup.js';
import { containerExit } from './cgroup/exit-status.js';
import { countOomKills } from './cgroup/oom.js';
import { ConfigError } from './errors.js';
import { DEFAULT_LIBRARY_DIR, type JailConfig } from './jail/config.js';
import { hostFacts } from './jail/host-facts.js';
import { renderLauncher } from './jail/launcher.js';
import { runLauncherDetailed, writeLauncher } from './jail/run.js';
import { buildSpec, type JailSpec, type SpecFacts } from './jail/spec.js';
import { livePid1, runRecord, waitIdle, writeAtomic } from './jail/state.js';
import { allocate, list } from './net/allocations.js';
import { renderHosts } from './net/hosts-file.js';
import { hasIptables } from './net/nat.js';

/** The status a run stopped by --timeout ends with, as timeout(1) has it. */
export const TIMEOUT_EXIT_STATUS = 124;

/** Environment that tests and nested set-ups use to put the bridge in their own namespace. */
export const BRIDGE_NETNS_ENV = 'MICRO_CONTAINER_BRIDGE_NETNS';

/** CONFIG with what the environment adds (the bridge's namespace). */
function withEnvironment(config: JailConfig, env: NodeJS.ProcessEnv = process.env): JailConfig {
  const netns = config.bridgeNetns ?? env[BRIDGE_NETNS_ENV];
  return netns ? { ...config, bridgeNetns: netns } : config;
}

/** The host's facts, with its cgroup layout and NAT tools. */
function withHost(facts: SpecFacts): SpecFacts {
  // One look along PATH answers both: NAT by iptables when it is there, and the FORWARD rule.
  const iptables = hasIptables();
  return { cgroupLayout: hostCgroupLayout(), natBackend: iptables ? 'iptables' : 'nft', forwardAccept: iptables, ...facts };
}

/**
 * Plans a container: config -> spec -> launcher text. No side effects. With a private
 * network and no facts.lease, the address shown is a placeholder (the real one is
 * allocated when it runs).
 */
export function planContainer(config: JailConfig, facts: SpecFacts = hostFacts()): { spec: JailSpec; launcher: string } {
  const f = withHost(facts);
  const c = withEnvironment(config);
  const lease = f.lease ?? (c.network === 'private' && c.name ? { name: c.name, ip: '10.213.0.2', prefix: 24, gateway: '10.213.0.1', mac: '02:00:00:00:00:02' } : undefined);
  const spec = buildSpec(c, { ...f, lease });
  return { spec, launcher: renderLauncher(spec) };
}

export interface RunReport {
  (line: string): void;
}

/**
 * Runs CONFIG's command in its jail (as root) and returns the command's exit status:
 * 125 when the jail could not be set up, 126/127 as shells use them, 124 when
 * --timeout stopped it, 137 when the kernel's OOM killer ended it. REPORT gets the
 * lines that explain a 124 or 137.
 */
export async function runContainer(config: JailConfig, facts: SpecFacts = hostFacts(), report: RunReport = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
  const c = withEnvironment(config);
  const f = withHost(facts);
  const libraryDir = path.resolve(f.cwd, c.libraryDir || DEFAULT_LIBRARY_DIR);
  if (c.timeoutSeconds !== undefined && !(c.timeoutSeconds > 0)) throw new ConfigError(`timeout '${c.timeoutSeconds}' is not a positive number of seconds (--timeout)`);
  let lease = f.lease;
  if (c.network === 'private' && lease === undefined) {
    // Checked here too, so that no address is allocated for a config buildSpec refuses.
    buildSpec({ ...c, network: 'host', nat: false }, f);
    if (!c.name) throw new ConfigError('--network private needs a container name (-n NAME): the address is kept for that name');
    // In Node, not in the launcher: the allocation is a read-modify-write of network.json
    // under a lock, and the address and MAC go into the launcher's text. The plumbing
    // itself (bridge, veth) runs in the launcher (renderNetScript), which also undoes it
    // when the CLI is SIGKILLed.
    lease = await allocate(libraryDir, c.name);
  }
  const { spec, launcher } = planContainer({ ...c, command: [] }, { ...f, lease });
  const file = writeLauncher(spec, launcher);
  // A run of a live container joins it: its record, hosts and clean-up are the owner's.
  const owner = livePid1(spec.stateDir) === undefined;
  if (owner) {
    writeAtomic(path.join(spec.stateDir, 'run.json'), `${JSON.stringify(runRecord(spec, c), null, 2)}\n`);
    if (spec.net) writeAtomic(path.join(spec.stateDir, 'hosts'), renderHosts((await list(libraryDir)).leases, { name: spec.name, hostname: spec.hostname }));
  }
  // The command goes as arguments, not into the file: one launcher serves every command
  // of a container, as later workflow steps use it.
  const exit = await runLauncherDetailed(file, {
    command: config.command ?? [],
    timeoutMs: c.timeoutSeconds === undefined ? undefined : c.timeoutSeconds * 1000,
  });
  // The launcher's clean-up (shutdown script, cgroup, network) runs after the jail: wait
  // for it, so that what we return describes a container that is completely gone.
  if (owner) await waitIdle(spec.stateDir);
  const name = spec.name || 'app';
  if (exit.timedOut) {
    report(`container ${name}: stopped after ${c.timeoutSeconds} s (--timeout); exit status ${TIMEOUT_EXIT_STATUS}`);
    return TIMEOUT_EXIT_STATUS;
  }
  const oom = owner && spec.cgroup?.oom !== undefined ? countOomKills(spec.cgroup.oom.kind, readText(path.join(spec.stateDir, 'oom'))) > 0 : false;
  const result = containerExit(name, exit.status, oom, spec.cgroup?.limits);
  if (result.message) report(result.message);
  return result.status;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
