//! Programs compiled by the real `mpy-cross` at test time and run on the VM, normally and
//! with the GC collecting at every allocation. The oracle is the real MicroPython runtime
//! (the webassembly port, driven by node): every program's printed output and uncaught
//! exception traceback must match it byte for byte.
use super::{Vm, VmConfig};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the MicroPython webassembly package is installed (see DEVELOPERS.md).
const MICROPYTHON_WASM: &str =
    "/tmp/npmo/node_modules/@micropython/micropython-webassembly-pyscript/micropython.mjs";

/// Runs each `.py` given on the command line in the MicroPython runtime and writes its
/// output (and the text of an uncaught exception) next to it as `.out`.
const NODE_DRIVER: &str = r#"
import { loadMicroPython } from "MICROPYTHON_WASM";
import fs from "fs";
for (const path of process.argv.slice(2)) {
  const bytes = [];
  const write = (s) => { for (const b of (typeof s === "string" ? Buffer.from(s) : s)) bytes.push(b); };
  const mp = await loadMicroPython({ stdout: write, stderr: write, linebuffer: false });
  let error = "";
  try { mp.runPython(fs.readFileSync(path, "utf8")); } catch (e) { error = e.message; }
  fs.writeFileSync(path.replace(/\.py$/, ".out"), Buffer.concat([Buffer.from(bytes), Buffer.from(error)]));
}
"#;

const PROGRAMS: &[&str] = &[
    // Integers: small, big, MicroPython's floor division, modulo, shifts, bitwise.
    "print(1 + 2, 7 // -2, -7 % 3, 2 ** 70, (1 << 40) >> 3, ~5, -5 & 0xff, 3 ^ -9, 6 | 9)",
    "x = 10 ** 30\nprint(x // 7, x % 7, -x // 7, -x % 7, x * x - 1, x > 5, x == 10 ** 30)",
    "print(-(2**64) >> 3, (-(2**70)) & 0xffff, (2**65) | -1, -(2**40) // 3, 2**100 % -7)",
    "print(1 / 4, 7 / 2, 2 ** -1, 1e3, 0.1 + 0.2, -1.5 // 1, 10 % 3.5)",
    "print(1 < 2 < 3, 2 ** 31, -2 ** 31, (2 ** 30) - 1 + 1, 5 == 5.0, True + True)",
    // Strings, bytes.
    "s = 'hello'\nprint(len(s), s[1], s[1:3], s[::-1], s + '!', repr(s), s.upper(), ','.join(['a', 'b']))",
    "print('héllo'[1], len('héllo'), 'ab' * 3, 'a' in 'cat', repr('it\\'s'), b'ab\\x00', b'xy'[0])",
    "print('a b  c'.split(), 'a,b'.split(','), '  x '.strip(), 'abc'.find('c'), 'abc'.replace('b', 'B'))",
    "print('{} and {}'.format(1, 'two'), 'x'.startswith('x'), 'x' < 'y', 'b' > 'a', str(1.5))",
    // Containers.
    "l = [3, 1, 2]\nl.append(5)\nprint(l, len(l), l[-1], l[1:3], sorted(l), sum(l), min(l), max(l))",
    "l = [1, 2, 3]\nm = l\nl += [4]\nprint(m, l.pop(), l.pop(0), l, [1, 2] + [3], [0] * 3)",
    "t = (1, 'a', None, True)\nprint(t, t[1], len(t), t + (2,), t * 2, (1,), ())",
    "d = {'a': 1, 'b': 2, 'c': 3}\nd['d'] = 4\nprint(d, d['a'], d.get('z'), 'a' in d, len(d))",
    "d = {1: 'x', (1, 2): 'y'}\nprint(d[(1, 2)], list(d.keys()), list(d.values()), list(d.items()))",
    "print(list(range(5)), list(range(2, 10, 3)), list(range(5, 0, -2)), len(range(10)), range(3))",
    "print([x * x for x in range(5)], {k: k + 1 for k in range(3)}, [y for y in 'ab'])",
    // Functions.
    "def f(a, b=2, *args, c=3, **kw):\n    return (a, b, args, c, len(kw))\nprint(f(1), f(1, 5, 6, 7, c=8, z=9))",
    "def f(*args, **kw):\n    return args, sorted(kw)\nprint(f(*[1, 2], *(3,), **{'x': 1}, y=2))",
    "def mk(n):\n    def add(x):\n        return x + n\n    return add\nprint(mk(3)(4))",
    "def counter():\n    n = 0\n    def inc():\n        nonlocal n\n        n += 1\n        return n\n    return inc\nc = counter()\nc()\nprint(c())",
    "g = 1\ndef f():\n    global g\n    g = 2\nf()\nprint(g, (lambda x, y=1: x + y)(1))",
    "def r(n):\n    return 1 if n == 0 else n * r(n - 1)\nprint(r(30))",
    // Classes.
    "class A:\n    def __init__(self, v):\n        self.v = v\n    def get(self):\n        return self.v\nclass B(A):\n    def get(self):\n        return super().get() * 2\nb = B(21)\nprint(b.get(), isinstance(b, A), type(b) is B, B.__name__)",
    "class V:\n    def __init__(self, x):\n        self.x = x\n    def __add__(self, o):\n        return V(self.x + o.x)\n    def __eq__(self, o):\n        return self.x == o.x\n    def __repr__(self):\n        return 'V(%d)' % self.x if False else 'V(' + str(self.x) + ')'\nprint(V(1) + V(2), V(1) == V(1), V(1) == V(2), [V(3)])",
    "class C:\n    n = 0\n    @staticmethod\n    def s(x):\n        return x\n    @classmethod\n    def k(cls):\n        return cls.n\n    def __len__(self):\n        return 7\n    def __getitem__(self, i):\n        return i * 2\nc = C()\nprint(C.s(4), c.k(), len(c), c[5], bool(c))",
    "class It:\n    def __init__(self):\n        self.i = 0\n    def __iter__(self):\n        return self\n    def __next__(self):\n        self.i += 1\n        if self.i > 3:\n            raise StopIteration\n        return self.i\nprint(list(It()), sum(It()))",
    // Control flow and exceptions.
    "for i in range(10):\n    if i == 2:\n        continue\n    if i == 5:\n        break\n    print(i)\nelse:\n    print('no')\nn = 0\nwhile n < 3:\n    n += 1\nprint(n)",
    "try:\n    [][1]\nexcept IndexError as e:\n    print('caught', e)\nfinally:\n    print('finally')",
    "def f():\n    try:\n        return 1\n    finally:\n        print('cleanup')\nprint(f())",
    "for i in range(3):\n    try:\n        if i == 1:\n            break\n    finally:\n        print('f', i)",
    "try:\n    raise KeyError('k')\nexcept (ValueError, KeyError) as e:\n    print(type(e).__name__, e.args, repr(e))",
    "class E(Exception):\n    pass\ntry:\n    raise E('boom', 2)\nexcept Exception as e:\n    print(isinstance(e, E), e.args, e)",
    "try:\n    try:\n        1 / 0\n    except ZeroDivisionError:\n        raise\nexcept ZeroDivisionError as e:\n    print('re', e)",
    "class M:\n    def __enter__(self):\n        print('enter')\n        return 5\n    def __exit__(self, a, b, c):\n        print('exit', a)\n        return True\nwith M() as v:\n    print(v)\n    raise ValueError\nprint('after')",
    "print(abs(-3), divmod(-7, 2), chr(65), ord('a'), all([1, 2]), any([]), str(12) + 'x', int('42'))",
    "print(1, 2, sep='-', end='!\\n')\nprint(isinstance(True, int), hash(5), callable(len), getattr(1, 'x', 'd'))",
    "a, *b, c = [1, 2, 3, 4]\nprint(a, b, c)\nx, y = 1, 2\nx, y = y, x\nprint(x, y)",
    "print(list(enumerate('ab')), list(enumerate([5], 10)), list(zip([1, 2, 3], 'ab')))\nprint(list(map(lambda x: x * 2, range(3))), list(map(max, [1, 5], [4, 2])), list(filter(None, [0, 1, 2])))\nprint(list(reversed([1, 2, 3])), list(filter(lambda c: c > 'a', 'abc')))",
    "s = {3, 1, 2, 1}\ns.add(10)\nprint(s, len(s), 2 in s, 7 in s, set(), set('aab') == {'a', 'b'})\nprint({1, 2} | {3}, {1, 2} & {2, 3}, {1, 2} - {2}, {x % 3 for x in range(10)})\ns.remove(1)\ns.discard(99)\nprint(sorted(s), list({5, 6}))",
    "print(hex(255), hex(-255), oct(8), bin(5), pow(2, 10), pow(3, 4, 5), pow(-3, 3, 7), round(2.5), round(-0.5), round(1250, -2), 3 * [1], 2 * 'ab')\nl = [1, 2, 3]\ndel l[0]\nprint(l)\nclass A:\n    pass\na = A()\na.x = 1\ndel a.x\nprint(hasattr(a, 'x'))",
    "print('%d %s %r %5d|%-5d|%05d %x %X %#x %o %c %%' % (42, 'a', 'b', 7, 7, -7, 255, 255, 255, 8, 65))\nprint('%.2f %e %g %g %g %10.3f %+d % d' % (3.14159, 1234.5, 0.0001, 1e20, 100.0, 2.5, 5, 5))\nprint('%(a)s-%(b)d' % {'a': 'x', 'b': 3}, '%s' % (1,), '%s' % [1, 2], '%*d' % (4, 1), '%.3s' % 'abcdef')\ntry:\n    '%d' % (1, 2)\nexcept TypeError as e:\n    print('TypeError', e)",
    "l = list(range(10))\ntry:\n    1000000000 * l\nexcept MemoryError:\n    print('MemoryError')\ntry:\n    'ab'.startswith(3)\nexcept TypeError as e:\n    print('TypeError', e)\nprint(len(l))",
    "print('{:>5}|{:<4}|{:^6}|{:05.2f}|{!r}|{0}{1}{0}'.format('a', 'b', 'c', 3.14159, 'd'))\nprint('{x} {y:x} {z[1]}'.format(x=1, y=255, z=[0, 7]), '{:,}'.format(1234567), '{:e}'.format(12345.678))",
    // Generators.
    "def gen(n):\n    for i in range(n):\n        yield i * i\n    return 'done'\nprint(list(gen(5)))\ng = gen(2)\nprint(next(g), next(g))\ntry:\n    next(g)\nexcept StopIteration as e:\n    print('stop', e.args)",
    "def gen(n):\n    yield from range(n)\n    return 'r'\ndef deleg():\n    r = yield from gen(3)\n    print('r', r)\n    yield 100\nprint(list(deleg()))",
    "def acc():\n    total = 0\n    while True:\n        x = yield total\n        total += x\na = acc()\nnext(a)\nprint(a.send(5), a.send(10))\nprint(sum(x for x in range(10) if x % 2))",
    "def fin():\n    try:\n        yield 1\n        yield 2\n    finally:\n        print('fin')\nfor v in fin():\n    print(v)",
    "def bad():\n    yield 1\n    raise ValueError('in gen')\nfor v in bad():\n    print(v)",
    "def g():\n    try:\n        yield 1\n    except ValueError as e:\n        print('got', e)\n        yield 2\n    finally:\n        print('cleanup')\nit = g()\nprint(next(it))\nprint(it.throw(ValueError('x')))\nit.close()\ndef h():\n    yield 1\nj = h()\nnext(j)\ntry:\n    j.throw(KeyError)\nexcept KeyError:\n    print('propagated')",
    // Uncaught exceptions: the traceback format and MicroPython's messages.
    "def g():\n    raise ValueError('bad')\ng()",
    "def f(x):\n    return x + 'a'\nf(1)",
    "print(undefined_name)",
    "d = {}\nd['missing']",
    "class A:\n    pass\nA().nope",
    "raise TypeError",
    "def f(a):\n    pass\nf(1, 2)",
    "[1][5]",
    "x = 1\nx.y = 2",
    "len(5)",
];

fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("krait-interp-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Writes program `index` as `p<index>.py` and compiles it with mpy-cross, naming the
/// source `<stdin>` as the oracle's `runPython` does.
fn compile_with_mpy_cross(dir: &Path, index: usize, source: &str) -> Vec<u8> {
    let py = dir.join(format!("p{index}.py"));
    std::fs::write(&py, source).expect("write program");
    let status = Command::new("mpy-cross")
        .arg("-s")
        .arg("<stdin>")
        .arg(&py)
        .status()
        .expect("mpy-cross is installed");
    assert!(status.success(), "mpy-cross failed on:\n{source}");
    std::fs::read(dir.join(format!("p{index}.mpy"))).expect("mpy-cross output")
}

/// The MicroPython runtime's output for each program (already written as `p<i>.py`).
fn micropython_outputs(dir: &Path, count: usize) -> Vec<String> {
    assert!(
        Path::new(MICROPYTHON_WASM).exists(),
        "the MicroPython oracle is missing: {MICROPYTHON_WASM}"
    );
    let driver = dir.join("driver.mjs");
    std::fs::write(
        &driver,
        NODE_DRIVER.replace("MICROPYTHON_WASM", MICROPYTHON_WASM),
    )
    .expect("write driver");
    let paths: Vec<PathBuf> = (0..count).map(|i| dir.join(format!("p{i}.py"))).collect();
    let status = Command::new("node")
        .arg(&driver)
        .args(&paths)
        .status()
        .expect("node is installed");
    assert!(status.success(), "the MicroPython oracle failed");
    (0..count)
        .map(|i| std::fs::read_to_string(dir.join(format!("p{i}.out"))).expect("oracle output"))
        .collect()
}

/// What the VM runs: `.mpy` bytes from mpy-cross, or source for krait's own compiler.
enum Program {
    Mpy(Vec<u8>),
    Source(String),
}

/// Runs `.mpy` bytes on a fresh VM: printed output, then the uncaught exception if any.
fn run_on_vm(mpy: Vec<u8>, stress: bool) -> String {
    run_with_config(
        Program::Mpy(mpy),
        VmConfig {
            gc_stress: stress,
            ..VmConfig::default()
        },
    )
}

fn run_with_config(program: Program, config: VmConfig) -> String {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let module = match program {
                Program::Mpy(mpy) => crate::mpy::read(&mpy).expect("valid .mpy"),
                Program::Source(source) => {
                    let opts = crate::compile::CompileOptions::default();
                    match crate::compile::compile_source(&source, "<stdin>", &opts) {
                        Ok(module) => module,
                        Err(err) => return format!("krait's compiler failed: {err}\n"),
                    }
                }
            };
            let mut vm = Vm::new(config).expect("vm starts");
            let result = vm.run_module(&module);
            let mut out = String::from_utf8_lossy(&vm.out).into_owned();
            if result.is_err() {
                let exc = vm.pending_exception();
                out.push_str(&vm.format_exception(exc));
            }
            out
        })
        .expect("thread")
        .join()
        .expect("the VM must not panic")
}

fn check_against_micropython(stress: bool, krait_compiler: bool) {
    let name = match (stress, krait_compiler) {
        (true, _) => "stress",
        (false, true) => "krait",
        (false, false) => "plain",
    };
    let dir = scratch_dir().join(name);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let compiled: Vec<Vec<u8>> = PROGRAMS
        .iter()
        .enumerate()
        .map(|(i, source)| compile_with_mpy_cross(&dir, i, source))
        .collect();
    let expected = micropython_outputs(&dir, PROGRAMS.len());
    let mut failures = Vec::new();
    for (i, mpy) in compiled.into_iter().enumerate() {
        let program = if krait_compiler {
            Program::Source(PROGRAMS[i].to_string())
        } else {
            Program::Mpy(mpy)
        };
        let config = VmConfig {
            gc_stress: stress,
            ..VmConfig::default()
        };
        let got = run_with_config(program, config);
        if got != expected[i] {
            failures.push(format!(
                "program {i}:\n{}\n--- micropython:\n{}--- krait:\n{got}",
                PROGRAMS[i], expected[i]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn programs_match_micropython() {
    check_against_micropython(false, false);
}

#[test]
fn programs_match_micropython_with_gc_stress() {
    check_against_micropython(true, false);
}

/// The same programs through krait's own compiler (what `krait file.py` runs).
#[test]
fn programs_compiled_by_krait_match_micropython() {
    check_against_micropython(false, true);
}

#[test]
fn deep_recursion_is_a_runtime_error_not_a_crash() {
    let dir = scratch_dir();
    let mpy = compile_with_mpy_cross(&dir, 900, "def f(n):\n    return f(n + 1)\nf(0)");
    let out = run_on_vm(mpy, false);
    assert!(
        out.ends_with("RuntimeError: maximum recursion depth exceeded\n"),
        "{out}"
    );
}

#[test]
fn exhausting_the_heap_is_a_catchable_memory_error() {
    let dir = scratch_dir();
    let source = "l = []\ntry:\n    while True:\n        l.append([0] * 100)\nexcept MemoryError:\n    l = None\n    print('caught')\n";
    let mpy = compile_with_mpy_cross(&dir, 901, source);
    let config = VmConfig {
        heap_size: 64 << 10,
        ..VmConfig::default()
    };
    assert_eq!(run_with_config(Program::Mpy(mpy), config), "caught\n");
}

#[test]
fn a_heap_too_small_for_the_builtins_is_an_error_not_a_panic() {
    let config = VmConfig {
        heap_size: 256,
        ..VmConfig::default()
    };
    assert!(matches!(Vm::new(config), Err(super::VmError::HeapTooSmall)));
}
