// Availability: a failed host's VMs restart on the others from their last scheduled
// snapshot; downtime and lost work are measured, and each service still finishes with
// exactly the output it would have had.
import { describe, expect, it } from 'vitest';
import { failHost } from '../../../src/core/datacenter/failover.ts';
import { alone, dataCentre, finite } from './helpers.ts';

describe('host failure', () => {
  const web = finite('idle', 40);
  const api = finite('bursty', 40);

  it('restarts the VMs of a failed host from their last snapshots', () => {
    const dc = dataCentre(3, 4_000_000); // a snapshot every 40 ms
    dc.createVm({ name: 'web', workload: web, host: 'host-1' });
    dc.createVm({ name: 'api', workload: api, host: 'host-1' });
    dc.createVm({ name: 'other', workload: web, host: 'host-2' });
    dc.runFor(10_000_000);
    const snapWeb = dc.vm('web').snapshots.at(-1)!;
    const instrAtFailure = dc.vm('web').vm.vcpu.cpu.csr.instret;
    const report = failHost(dc, 'host-1', { detectCycles: 500_000 });

    expect(report.failedAt).toBe(10_000_000);
    expect(report.vms.map((v) => v.vm).sort()).toEqual(['api', 'web']);
    const w = report.vms.find((v) => v.vm === 'web')!;
    expect(w.snapshotAt).toBe(snapWeb.at);
    expect(snapWeb.at).toBe(8_000_000);
    expect(w.lostInstructions).toBe(instrAtFailure - snapWeb.instructions);
    expect(w.lostInstructions).toBeGreaterThan(0);
    expect(w.lostCycles).toBe(2_000_000);
    expect(w.downtimeCycles).toBeGreaterThan(500_000); // detection plus reading the snapshot
    expect(w.to).not.toBe('host-1');
    expect(dc.host('host-1').failed).toBe(true);

    dc.runUntilIdle(300_000_000);
    // The restored guests end exactly as if nothing had happened...
    expect(dc.vm('web').vm.consoleText()).toBe(alone(web).console);
    expect(dc.vm('api').vm.consoleText()).toBe(alone(api).console);
    expect(dc.vm('web').vm.exitCode).toBe(0);
    // ...though their users saw the lines printed since the snapshot twice (work redone).
    expect(dc.consoleText('api').length).toBeGreaterThanOrEqual(alone(api).console.length);
    expect(dc.vm('other').vm.consoleText()).toBe(alone(web).console);
  });

  it('more frequent snapshots lose less work', () => {
    const lost = (every: number) => {
      const dc = dataCentre(2, every);
      dc.createVm({ name: 'api', workload: api, host: 'host-1' });
      dc.runFor(9_900_000);
      return failHost(dc, 'host-1').vms[0].lostInstructions;
    };
    expect(lost(1_000_000)).toBeLessThan(lost(5_000_000));
  });

  it('without a snapshot a VM cold-boots and loses everything; without room it stays down', () => {
    const dc = dataCentre(2);
    dc.addHost({ name: 'tiny', pcpus: 1, ramBytes: 4 * 1024 * 1024 });
    dc.createVm({ name: 'a', workload: web, host: 'host-1' });
    dc.createVm({ name: 'b', workload: finite('memory-heavy', 10), host: 'host-2' });
    dc.runFor(3_000_000);
    const instr = dc.vm('a').vm.vcpu.cpu.csr.instret;
    const r = failHost(dc, 'host-1');
    expect(r.vms[0].snapshotAt).toBeNull();
    expect(r.vms[0].lostInstructions).toBe(instr);
    dc.host('host-2');
    const r2 = failHost(dc, 'host-2'); // only 'tiny' is left, and it is too small... for b
    expect(r2.vms.find((v) => v.vm === 'b')!.to).toBeNull();
    expect(dc.vm('b').down).toMatch(/no surviving host has room/);
    expect(() => failHost(dc, 'host-2')).toThrow(/already failed/);
  });
});
