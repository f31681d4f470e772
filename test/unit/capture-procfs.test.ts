/**
 * The /proc parsers of the capture (src/core/capture/procfs.ts) on recorded and hand-written text: smaps and maps,
 * mountinfo, iomem, --range and sizes, and what they do with input that is not what they expect.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  fileSystemOf, fsTypeOf, packKpf, parseIomem, parseMountinfo, parseRange, parseSize, parseSmaps, pmFrame, vmaKey,
  KPF_PACKED_ANON_EXCLUSIVE,
} from '../../src/core/capture/procfs';
import { hugetlbBytes, vmaKind } from '../../src/core/capture/classify';

/** smaps as a 6.x kernel prints it (recorded, trimmed to the fields of interest plus two the parser ignores). */
const SMAPS = `55d0c5a00000-55d0c5a02000 r--p 00000000 fe:00 2230674                    /usr/bin/my tool
Size:                  8 kB
KernelPageSize:        4 kB
Rss:                   8 kB
Pss:                   8 kB
THPeligible:    0
VmFlags: rd mr mw me sd
7f0000000000-7f0040000000 rw-p 00000000 00:0f 40                         /anon_hugepage (deleted)
KernelPageSize:  1048576 kB
Rss:                   0 kB
VmFlags: rd wr mr mw me de ht sd
7f1000000000-7f1000004000 rw-s 00003000 00:06 12                         /dev/dri/renderD128
VmFlags: rd wr sh mr mw me ms pf io de dd
7f3036200000-7f3036600000 rw-p 00000000 00:00 0
Size:               4096 kB
Rss:                2048 kB
AnonHugePages:      2048 kB
Swap:                  0 kB
ProtectionKey:         0
VmFlags: rd wr mr mw me ac sd hg
7f30368a5000-7f30368ad000 rw-s 00000000 00:01 1038                       /dev/zero (deleted)
Rss:                  16 kB
VmFlags: rd wr sh mr mw me ms sd
7f30368c0000-7f30368e6000 rw-s 00000000 00:1a 7                          /memfd:gpu-buffers (deleted)
Rss:                   0 kB
VmFlags: rd wr sh mr mw me ms sd
7ffe89d7b000-7ffe89d9c000 rw-p 00000000 00:00 0                          [stack]
Rss:                  12 kB
VmFlags: rd wr mr mw me gd ac
7ffff7ffa000-7ffff7ffe000 r--p 00000000 00:00 0                          [vvar]
VmFlags: rd mr pf io de dd sd
7ffff7ffe000-7ffff8000000 r-xp 00000000 00:00 0                          [vdso]
VmFlags: rd ex mr mw me de sd
ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]
VmFlags: ex
`;

test('smaps: mappings with their VmFlags and sizes; paths with spaces; every kind the scenario format has', () => {
  const p = parseSmaps(SMAPS);
  assert.deepEqual(p.problems, []);
  assert.equal(p.detailed, true);
  assert.equal(p.vmas.length, 10);
  const [exe, huge, drm, thp, shm, memfd, stack, vvar, vdso] = p.vmas;
  assert.equal(exe.path, '/usr/bin/my tool');
  assert.equal(exe.start, 0x55d0c5a00000n);
  assert.equal(exe.perms, 'r--p');
  assert.equal(exe.read && !exe.write && !exe.shared, true);
  assert.equal(exe.kb.get('Rss'), 8);
  assert.equal(thp.kb.get('AnonHugePages'), 2048);
  assert.ok(thp.vmFlags.has('hg'));
  assert.equal(exe.line, 1);
  assert.equal(p.vmas[9].path, '[vsyscall]');
  assert.deepEqual([exe, thp, shm, memfd, huge, vvar, vdso, stack, drm].map(vmaKind),
    ['file-private', 'anon', 'shmem', 'file-shared', 'hugetlb', 'driver', 'file-private', 'anon', 'driver']);
  assert.equal(hugetlbBytes(huge), 1 << 30);
  assert.equal(hugetlbBytes(thp), 0);
  assert.equal(vmaKey(thp), '7f3036200000-7f3036600000 rw-p 0 00:00 0');
});

test('maps (no smaps fields) parses too, marked not detailed; broken lines are reported, not guessed at', () => {
  const p = parseSmaps('00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/dbus-daemon\n'
    + 'garbage line here\n'
    + '00652000-00600000 rw-p 00000000 00:00 0\n'
    + '00700000-00800000 rw-p 00000000 00:00 0\n'
    + '00780000-00790000 rw-p 00000000 00:00 0\n');
  assert.equal(p.detailed, false);
  assert.equal(p.vmas.length, 3);
  assert.equal(p.vmas[0].vmFlags.size, 0);
  assert.deepEqual(p.problems, [
    'line 2: "garbage line here" is neither a mapping nor a field line',
    'line 3: mapping 00652000-00600000 ends before it starts',
    'line 5: mapping 0x780000 overlaps the one before it',
  ]);
  assert.deepEqual(parseSmaps('').vmas, []);
  assert.deepEqual(parseSmaps('Rss: 4 kB\n').problems, ['line 1: "Rss: 4 kB" is not a mapping line']);
});

test('mountinfo: octal escapes; the filesystem of a path is its longest mount point; memfds and SysV shm are tmpfs', () => {
  const mounts = parseMountinfo([
    '26 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
    '24 23 0:22 / /dev/shm rw,relatime - tmpfs tmpfs rw',
    '40 26 0:40 / /mnt/my\\040data rw - xfs /dev/vdb rw',
    '41 26 0:41 / /mnt/my rw - btrfs /dev/vdc rw',
    'not a mountinfo line',
  ].join('\n'));
  assert.equal(mounts.length, 4);
  assert.equal(mounts[2].mountPoint, '/mnt/my data');
  assert.equal(fsTypeOf('/dev/shm/buf', mounts), 'tmpfs');
  assert.equal(fsTypeOf('/mnt/my data/x.bin (deleted)', mounts), 'xfs');
  assert.equal(fsTypeOf('/mnt/my/x', mounts), 'btrfs');
  assert.equal(fsTypeOf('/mnt/mydata', mounts), 'ext4');
  assert.equal(fsTypeOf('[heap]', mounts), undefined);
  const v = parseSmaps('7f0000000000-7f0000001000 rw-s 00000000 00:01 5 /memfd:x (deleted)\n').vmas[0];
  assert.equal(fileSystemOf(v, mounts), 'tmpfs');
  assert.equal(fileSystemOf({ ...v, path: '/SYSV00000000 (deleted)' }, mounts), 'tmpfs');
  assert.equal(fileSystemOf({ ...v, path: '' }, mounts), undefined);
});

test('iomem: every nesting level; an unprivileged reader\'s all-zero addresses give nothing', () => {
  const r = parseIomem('00001000-0009fbff : System RAM\n  01000000-016000ff : Kernel code\nfff8000000-ffffffffff : hmm_probe\n');
  assert.deepEqual(r.map((x) => [x.name, x.start, x.end]), [['System RAM', 0x1000n, 0x9fbffn], ['Kernel code', 0x1000000n, 0x16000ffn],
    ['hmm_probe', 0xfff8000000n, 0xffffffffffn]]);
  assert.deepEqual(parseIomem('00000000-00000000 : System RAM\n'), []);
});

test('--range: START+LENGTH with units, START-END, START alone; every malformed one says what is wrong', () => {
  assert.deepEqual(parseRange('0x7f0000000000+2M'), { start: 0x7f0000000000n, end: 0x7f0000200000n });
  assert.deepEqual(parseRange('4096+0x1000'), { start: 4096n, end: 8192n });
  assert.deepEqual(parseRange('0x1000-0x3000'), { start: 0x1000n, end: 0x3000n });
  assert.deepEqual(parseRange(' 0x1000 '), { start: 0x1000n });
  assert.deepEqual(parseRange('0x1000+1GiB'), { start: 0x1000n, end: 0x1000n + (1n << 30n) });
  assert.match((parseRange('heap') as { error: string }).error, /range start "heap" is not an address/);
  assert.match((parseRange('0x1000+') as { error: string }).error, /range length "" is not a size/);
  assert.match((parseRange('0x1000+0') as { error: string }).error, /range length is 0/);
  assert.match((parseRange('0x3000-0x1000') as { error: string }).error, /range end 0x1000 is not above its start 0x3000/);
  assert.match((parseRange('0x3000-x') as { error: string }).error, /range end "x" is not an address/);
  assert.equal(parseSize('2T'), 2n << 40n);
  assert.equal(parseSize('12 parsecs'), undefined);
});

test('pagemap frames and packed kpageflags keep u64 halves apart (no number ever holds a whole u64)', () => {
  // 0x81000001fff0007a: present, exclusive, frame 0x1fff0007a
  assert.equal(pmFrame(0xfff0007a, 0x81000001), 0x1fff0007a);
  // kpageflags 0x0000000400411800: THP | COMPOUND_TAIL | MMAP ... and bit 34 (PG_anon_exclusive for anon pages)
  const k = packKpf(0x00411800, 0x00000004);
  assert.equal(k & 0x07ffffff, 0x00411800);
  assert.equal(k & KPF_PACKED_ANON_EXCLUSIVE, KPF_PACKED_ANON_EXCLUSIVE);
  assert.equal(packKpf(0x00411800, 0) & KPF_PACKED_ANON_EXCLUSIVE, 0);
});
