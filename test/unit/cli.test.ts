/**
 * The hmm-lens CLI: run (exit codes 0/1/2, human output, directories, overrides), decode, layouts, help, version.
 * Most cases run the dispatcher in-process on the real files; a few spawn the real command.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/cli';
import { nodeIo, type CliIo } from '../../src/cli/io';
import { runScenario } from '../../src/core/scenario/run';

const root = join(import.meta.dirname ?? __dirname, '..', '..');
const ex = (n: string) => join(root, 'examples', n);

function cli(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: CliIo = { ...nodeIo, out: (t) => { out += t; }, err: (t) => { err += t; } };
  const code = runCli(args, io, runScenario, '9.9.9');
  if (typeof code !== 'number') throw new Error('only verify is asynchronous; use cliAsync');
  return { code, out, err };
}

const tmp = mkdtempSync(join(tmpdir(), 'hmm-lens-cli-'));
function file(name: string, text: string): string {
  const p = join(tmp, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

const PASSING = `hmm: 1
name: tiny
devices: [gpu0]
steps:
  - mmap: { name: buf, pages: 4, prot: rw }
  - write: { at: buf, pages: 2 }
  - walk:
      name: snap
      device: gpu0
      at: buf
      pages: 4
      expect:
        ret: 0
        pfns: [VALID WRITE *2, NONE *2]
`;
const FAILING = PASSING.replace('pfns: [VALID WRITE *2, NONE *2]', 'pfns: [VALID WRITE, VALID, NONE *2]');

test('run: all expectations hold → exit 0 and one ✓ line per walk', () => {
  const r = cli(['run', file('pass.hmm.yaml', PASSING)]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /pass\.hmm\.yaml — tiny \[kernel latest, layout v6\.16\]\n/);
  assert.match(r.out, /\n {2}✓ snap: ret 0 · 4 pages · 1 attempt\n/);
  assert.match(r.out, /\n1 file · 1 walk · 1 passed · 0 failed\n$/);
  assert.equal(r.err, '');
});

test('run: a failing expectation → exit 1 with the decoded mismatch at the entry position', () => {
  const f = file('fail.hmm.yaml', FAILING);
  const r = cli(['run', f]);
  assert.equal(r.code, 1);
  assert.match(r.out, /✗ snap: ret 0 · 4 pages · 1 attempt · 1 page mismatch\n/);
  assert.ok(r.out.includes(`${f}:14:29: page 1 at 0x7f0000001000: expected VALID, got VALID WRITE (VALID WRITE pfn=0x`), r.out);
  assert.match(r.out, /\[layout v6\.16\]\): WRITE not expected\n/);
  assert.match(r.out, /0 passed · 1 failed/);
});

test('run: a wrong ret → exit 1 and the expected errno named', () => {
  const r = cli(['run', file('ret.hmm.yaml', PASSING.replace('ret: 0', 'ret: -EFAULT'))]);
  assert.equal(r.code, 1);
  assert.match(r.out, /✗ snap: ret 0, expected -EFAULT · 4 pages · 1 attempt\n/);
});

test('run: an invalid file → exit 2 with file:line:col: error: on stderr; other files still run', () => {
  const bad = file('bad.hmm.yaml', PASSING.replace('prot: rw', 'prot: rwz'));
  const good = file('good.hmm.yaml', PASSING);
  const r = cli(['run', bad, good]);
  assert.equal(r.code, 2);
  assert.equal(r.err, `${bad}:5:40: error: unknown prot "rwz"; expected none, r, rw, rx, rwx; did you mean "rw"?\n`);
  assert.match(r.out, /✓ snap/);
  assert.match(r.out, /2 files · 1 walk · 1 passed · 0 failed · 1 invalid file\n$/);
});

test('run: invalid beats failing (exit 2), missing files are invalid', () => {
  assert.equal(cli(['run', file('f2.hmm.yaml', FAILING), file('b2.hmm.yaml', 'hmm: 1\n')]).code, 2);
  const r = cli(['run', join(tmp, 'nope.hmm.yaml')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /nope\.hmm\.yaml: no such file or directory\n/);
});

test('run: a runtime error (an access the mapping forbids) makes the file invalid', () => {
  const r = cli(['run', file('segv.hmm.yaml', 'hmm: 1\nsteps:\n  - mmap: { name: b, pages: 1, prot: r }\n  - write: { at: b }\n')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /segv\.hmm\.yaml:4:5: error: /);
});

test('run: directories are searched recursively for *.hmm.yaml and *.hmm.json, sorted', () => {
  const dir = join(tmp, 'tree');
  file('tree/b/two.hmm.yaml', PASSING);
  file('tree/a/one.hmm.json', JSON.stringify({ hmm: 1, steps: [{ mmap: { name: 'b', pages: 1, prot: 'r' } },
    { walk: { name: 'j', at: 'b', pages: 1, expect: { ret: 0, pfns: ['NONE'] } } }] }));
  file('tree/a/notes.yaml', 'not: a scenario\n');
  const r = cli(['run', dir]);
  assert.equal(r.code, 0, r.err + r.out);
  const heads = r.out.split('\n').filter((l) => l.includes('[kernel'));
  assert.equal(heads.length, 2);
  assert.ok(heads[0].includes(join('tree', 'a', 'one.hmm.json')) && heads[1].includes(join('tree', 'b', 'two.hmm.yaml')));
  assert.match(r.out, /✓ j: ret 0 · 1 page · 1 attempt/);
  const empty = join(tmp, 'emptydir');
  mkdirSync(empty, { recursive: true });
  assert.equal(cli(['run', empty]).code, 2);
});

test('run: quoted glob patterns are expanded when the shell did not (*, ?, **)', () => {
  file('globs/x/one.hmm.yaml', PASSING);
  file('globs/x/y/two.hmm.yaml', PASSING);
  file('globs/three.hmm.yaml', PASSING);
  const all = cli(['run', join(tmp, 'globs', '**', '*.hmm.yaml')]);
  assert.equal(all.code, 0, all.err);
  assert.match(all.out, /3 files · 3 walks/);
  assert.match(cli(['run', join(tmp, 'globs', 'x', '*.hmm.yaml')]).out, /1 file · 1 walk/);
  assert.match(cli(['run', join(tmp, 'globs', 't?ree.hmm.yaml')]).out, /1 file · 1 walk/);
  const none = cli(['run', join(tmp, 'globs', '*.hmm.json')]);
  assert.equal(none.code, 2);
  assert.match(none.err, /no file matches this pattern/);
});

test('run: --mode, --device and --kernel override the file', () => {
  const f = file('mode.hmm.yaml', PASSING);
  const r = cli(['run', f, '--mode', 'fault']);
  assert.equal(r.code, 1, 'a fault walk maps the zero page on the empty pages');
  assert.match(r.out, /expected NONE, got VALID zero/);
  assert.equal(cli(['run', f, '--device', 'gpu0']).code, 0);
  const nodev = cli(['run', f, '--device', 'gpu7']);
  assert.equal(nodev.code, 2);
  assert.match(nodev.err, /--device gpu7 is not declared in this file; devices: gpu0/);
  const k = cli(['run', f, '--kernel', 'v5.8']);
  assert.equal(k.code, 0, k.out + k.err);
  assert.match(k.out, /\[kernel v5\.8, layout v5\.8\]/);
});

test('run: --trace prints the trace under each walk', () => {
  const r = cli(['run', file('trace.hmm.yaml', PASSING), '--trace']);
  assert.equal(r.code, 0);
  assert.match(r.out, /\n {6}\[1\] hmm_vma_handle_pte pages 0-1 .* → store pfn\|VALID\|WRITE: /);
});

test('run: --max-pages limits walks with a message naming the option', () => {
  const r = cli(['run', file('max.hmm.yaml', PASSING), '--max-pages', '2']);
  assert.equal(r.code, 2);
  assert.match(r.err, /max\.hmm\.yaml:11:14: error: a walk of 4 pages exceeds the limit of 2 pages per walk; raise it with the hmm\.maxPages setting or `hmm-lens run --max-pages N`/);
});

test('usage errors exit 2 with a hint', () => {
  const a = cli(['run', '--jsn', ex('01-first-snapshot.hmm.yaml')]);
  assert.equal(a.code, 2);
  assert.equal(a.err, 'hmm-lens: error: unknown option "--jsn"; see --help; did you mean "--json"?\n');
  assert.equal(cli(['run']).code, 2);
  assert.match(cli(['frobnicate']).err, /unknown command "frobnicate"; expected run, verify, decode, layouts/);
  assert.match(cli(['run', 'x', '--mode', 'fast']).err, /unknown --mode "fast"; expected snapshot, fault, fault_write/);
  assert.match(cli(['run', 'x', '--kernel']).err, /option --kernel needs a value \(ID\)/);
  assert.match(cli(['run', 'x', '--kernel', 'v9.9']).err, /--kernel: kernel v9\.9 is newer than the newest modelled release/);
  assert.equal(cli([]).code, 2);
});

test('--help and --version', () => {
  const h = cli(['--help']);
  assert.equal(h.code, 0);
  assert.match(h.out, /hmm-lens run FILE\|DIR\.\.\./);
  assert.match(h.out, /0 all expectations hold, 1 an expectation fails, 2 a file is invalid/);
  assert.match(cli(['run', '--help']).out, /--max-pages N/);
  assert.match(cli(['decode', '--help']).out, /--legacy PROFILE/);
  assert.deepEqual(cli(['--version']), { code: 0, out: 'hmm-lens 9.9.9\n', err: '' });
});

test('decode: values with the layout named, legacy profile, JSON, bad values', () => {
  const r = cli(['decode', '0xc000000000001234', '0']);
  assert.equal(r.code, 0);
  assert.equal(r.out.split('\n')[0], '0xc000000000001234  VALID WRITE pfn=0x1234 [layout v6.16]');
  assert.match(r.out, /\n0x0000000000000000 {2}0 pfn=0x0 \[layout v6\.16\]\n/);
  const k = cli(['decode', '--kernel', 'v5.10', '0x8900000000000200']);
  assert.match(k.out, /^0x8900000000000200 {2}VALID pfn=0x200 order=9 \[layout v5\.10\]\n/);
  const l = cli(['decode', '--kernel', 'v5.7', '--legacy', 'nouveau', '0xfffffffffffffffe']);
  assert.match(l.out, /^0xfffffffffffffffe {2}ERROR \[layout legacy:nouveau@v5\.7\]/);
  assert.equal(l.err, '');
  const dflt = cli(['decode', '--kernel', 'v5.7', '3']);
  assert.match(dflt.err, /default amdgpu profile/);
  const j = cli(['decode', '--json', '0xc000000000001234']);
  const doc = JSON.parse(j.out) as { value: string; layout: string; flags: string[]; pfn: string }[];
  assert.deepEqual([doc[0].value, doc[0].layout, doc[0].flags, doc[0].pfn], ['0xc000000000001234', 'v6.16', ['VALID', 'WRITE'], '0x1234']);
  const bad = cli(['decode', 'zz', '0x1']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /"zz" is not a u64 value/);
  assert.equal(cli(['decode', '0x10000000000000000']).code, 2);
  assert.equal(cli(['decode', '--layout', 'v5.8', '0x8000000000000001']).out.split('\n')[0], '0x8000000000000001  VALID pfn=0x1 [layout v5.8]');
  assert.match(cli(['decode', '--layout', 'v5.9', '1']).err, /unknown layout "v5\.9"; expected/);
});

test('layouts: every layout listed, JSON form parses', () => {
  const r = cli(['layouts']);
  assert.equal(r.code, 0);
  for (const id of ['legacy:amdgpu', 'v5.8', 'v5.10', 'v6.16', 'proposal:device-private']) assert.ok(r.out.includes(`\n${id}  (`), id);
  const j = JSON.parse(cli(['layouts', '--json']).out) as { id: string }[];
  assert.ok(j.some((l) => l.id === 'v6.16'));
});

/** The real command, as CI runs it. */
function spawnCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('spawned: exit codes 0, 1 and 2 and the version from package.json', () => {
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  assert.equal(spawnCli(['--version']).stdout, `hmm-lens ${version}\n`);
  assert.equal(spawnCli(['run', file('s0.hmm.yaml', PASSING)]).status, 0);
  assert.equal(spawnCli(['run', file('s1.hmm.yaml', FAILING)]).status, 1);
  const bad = spawnCli(['run', file('s2.hmm.yaml', 'hmm: 1\nsteps:\n  - mmap: { pages: 1, prot: rwz }\n')]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /s2\.hmm\.yaml:3:29: error: unknown prot "rwz"; expected none, r, rw, rx, rwx/);
});

test('run: a single call (retry: false) on a range invalidated meanwhile reports its own 0 and says the result is stale', () => {
  const f = file('stale.hmm.yaml', 'hmm: 1\nkernel: v6.12\nsteps:\n  - mmap: { name: buf, pages: 4, prot: rw }\n  - write: { at: buf, pages: 4 }\n'
    + '  - walk: { name: one call, at: buf, pages: 4, retry: false, during: [ { after_pages: 1, step: { madvise: { at: buf+3, pages: 1, advice: dontneed } } } ] }\n');
  const r = cli(['run', f]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /· one call: ret 0 · 4 pages · 1 attempt · stale \(the range was invalidated while the call ran; a driver following hmm\.rst would retry\) \(no expect\)/);
  const j = cli(['run', f, '--json']);
  const doc = JSON.parse(j.out) as { files: { walks: { ret: number; stale: boolean }[] }[] };
  assert.deepEqual(doc.files[0].walks.map((w) => [w.ret, w.stale]), [[0, true]]);
});
