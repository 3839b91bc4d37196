/**
 * How many processes the OOM killer killed in a memory cgroup, from the text of the file
 * that says so (pure):
 * - v2 `memory.events`: "oom_kill N" (this cgroup and those below it).
 * - v1 `memory.oom_control`: "oom_kill N" since Linux 4.13; before that only "under_oom 1"
 *   while an OOM is in progress, which counts as one.
 */
export function countOomKills(file: 'memory.events' | 'memory.oom_control', text: string | undefined): number {
  const value = (key: string): number => {
    const m = text === undefined ? null : new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };
  return file === 'memory.events' ? value('oom_kill') : Math.max(value('oom_kill'), value('under_oom'));
}
