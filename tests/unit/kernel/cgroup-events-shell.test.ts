// The event counters as a student meets them: `cat` in a shell session on the real host
// kernel, against containers run with docker's limit flags.

import { describe, expect, it } from 'vitest';
import { DEFAULT_SHELL_ENV, Session, standardCommands } from '../../../src/core/shell/index.ts';
import { createKernelHost } from '../../../src/core/shell/kernel-host.ts';

function session() {
  const host = createKernelHost(() => new Promise((r) => setImmediate(r)));
  let out = '';
  const sh = new Session({
    port: host.port, containers: host.containers, table: standardCommands(),
    env: { ...DEFAULT_SHELL_ENV, HOME: '/' }, mode: 'script', output: (t) => { out += t; },
  });
  /** Runs `lines` and returns what they printed (prompt echoes included). */
  const run = async (...lines: string[]): Promise<string> => {
    const from = out.length;
    await sh.runScript(`${lines.join('\n')}\n`);
    return out.slice(from);
  };
  return { host, run };
}

/** The output of one command, without its "# command" echo. */
function outputOf(transcript: string): string {
  return transcript.slice(transcript.indexOf('\n') + 1);
}

describe('cgroup event files through the shell', () => {
  it('cat pids.events shows the forks a bomb had refused, in its group and above', async () => {
    const { host, run } = session();
    await run('container run -d --name bomb --pids-limit 5 alpine forkbomb', 'sleep 0.05');
    const id = host.containers.list(false).find((c) => c.name === 'bomb')!.id;
    const own = outputOf(await run(`cat /sys/fs/cgroup/docker/${id}/pids.events`));
    const refused = Number(/^max (\d+)\n$/.exec(own)?.[1]);
    // Each refused fork printed one complaint before sleeping a second.
    const complaints = host.containers.logs('bomb').split('Resource temporarily unavailable').length - 1;
    expect(refused).toBeGreaterThanOrEqual(5);
    expect(refused).toBe(complaints);
    expect(outputOf(await run(`cat /sys/fs/cgroup/docker/${id}/pids.current`))).toBe('5\n');
    // /docker has no limit of its own: the events reach it hierarchically only.
    expect(outputOf(await run('cat /sys/fs/cgroup/docker/pids.events'))).toBe(`max ${refused}\n`);
    expect(outputOf(await run('cat /sys/fs/cgroup/docker/pids.events.local'))).toBe('max 0\n');
    // container inspect reads the same files.
    const [info] = JSON.parse(outputOf(await run('container inspect bomb'))) as [{ cgroupEvents: Record<string, Record<string, number>> }];
    expect(info.cgroupEvents['pids.events']).toEqual({ max: refused });
    expect(info.cgroupEvents['memory.events']).toEqual({ low: 0, high: 0, max: 0, oom: 0, oom_kill: 0 });
    expect(info.cgroupEvents['cpu.stat']).toMatchObject({ nr_periods: 0, nr_throttled: 0 });
    await run('container rm -f bomb');
  });

  it('cat memory.events and cpu.stat show an OOM kill and a throttled spinner', async () => {
    const { host, run } = session();
    await run('container run --name hog --memory 8m alpine hog');
    const hog = host.containers.list(true).find((c) => c.name === 'hog')!.id;
    expect(outputOf(await run(`cat /sys/fs/cgroup/docker/${hog}/memory.events`))).toBe('low 0\nhigh 0\nmax 1\noom 1\noom_kill 1\n');

    await run('container run -d --name spinner --cpus 0.5 alpine spin', 'sleep 0.5');
    const spinner = host.containers.list(false).find((c) => c.name === 'spinner')!.id;
    const stat = outputOf(await run(`cat /sys/fs/cgroup/docker/${spinner}/cpu.stat`));
    const field = (key: string): number => Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(stat)?.[1]);
    // 0.5 s of 0.1 s periods, half of each spent waiting.
    expect(field('nr_throttled')).toBeGreaterThanOrEqual(4);
    expect(field('nr_periods')).toBeGreaterThanOrEqual(field('nr_throttled'));
    expect(field('throttled_usec')).toBeGreaterThan(field('nr_throttled') * 40_000);
    await run('container rm -f spinner');
  });
});
