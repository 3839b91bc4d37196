export { detectCgroupLayout, parseMountinfo, parseProcCgroup, type CgroupLayout, type CgroupMode, type MountinfoEntry, type OwnCgroups, type V1Controller } from './layout.js';
export { cpuMaxText, formatBytes, hasLimits, parseCpus, parseMemory, parsePids, type CgroupLimits, type CpuQuota } from './limits.js';
export { containerCgroupDirs, planCgroupSetup, DEFAULT_PARENT, type CgroupDirs, type CgroupPlacement, type CgroupPlan, type CgroupStep } from './plan.js';
export { renderCgroupPlan, renderCgroupSetup } from './render.js';
export { countOomKills } from './oom.js';
export { containerExit, OOM_EXIT_STATUS, type ContainerExit } from './exit-status.js';
export { ContainerCgroup, hostCgroupLayout, ownCgroups, type ContainerInfo, type KillOptions, type KillReport } from './container-cgroup.js';
