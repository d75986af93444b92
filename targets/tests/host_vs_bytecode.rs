//! The host backend against its oracle, the bytecode VM: each program runs twice, once with
//! its `@micropython.viper` / `@micropython.native` functions compiled to host machine code,
//! once with the decorators removed so the same functions run as bytecode, and both runs must
//! print the same. Where viper's 32-bit wrapping differs from Python's unbounded ints, the
//! bytecode side wraps explicitly (`wrap32` below) rather than trusting a hard-coded answer.

use vm::compile::native::NativeBackend;
use vm::compile::{compile_source_with, CompileOptions, EmitKind};
use vm::interp::{Vm, VmConfig};
use vm::rawcode::{CodeKind, RawCode};

/// What a run printed, then the exception that ended it, if any.
fn run(source: &str, backend: Option<&dyn NativeBackend>) -> String {
    run_with(source, backend, VmConfig::default(), EmitKind::Bytecode)
}

/// [`run`] with a VM configuration and a default emitter (`-X emit=`).
fn run_with(
    source: &str,
    backend: Option<&dyn NativeBackend>,
    config: VmConfig,
    emit: EmitKind,
) -> String {
    let opts = CompileOptions {
        emit,
        ..CompileOptions::default()
    };
    let module = match compile_source_with(source, "t.py", &opts, backend) {
        Ok(module) => module,
        Err(err) => return format!("compile error: {}: {}", err.kind.name(), err.message),
    };
    if backend.is_some() {
        assert!(
            has_native(&module.root),
            "nothing was compiled natively in:\n{source}"
        );
    }
    let mut vm = Vm::new(config).expect("vm");
    let result = vm.run_module(&module);
    let mut out = String::from_utf8_lossy(&vm.out).into_owned();
    if result.is_err() {
        let exc = vm.pending_exception();
        let text = vm.format_exception(exc);
        // The traceback's lines differ (native frames have none); keep the exception line.
        out.push_str(text.lines().last().unwrap_or_default());
    }
    out
}

fn has_native(rc: &RawCode) -> bool {
    rc.kind != CodeKind::Bytecode || rc.children.iter().any(has_native)
}

/// Python source of a helper the bytecode side uses to wrap like a 32-bit int.
const WRAP32: &str =
    "def wrap32(x):\n    x &= 0xffffffff\n    return x - 0x100000000 if x & 0x80000000 else x\n";

/// `source` with its `@micropython.viper` and `@micropython.native` lines removed.
fn without_decorators(source: &str) -> String {
    source
        .lines()
        .filter(|line| !matches!(line.trim(), "@micropython.viper" | "@micropython.native"))
        .map(|line| format!("{line}\n"))
        .collect()
}

fn assert_same_as_bytecode(source: &str) {
    let backend = targets::host_backend().expect("host backend");
    let native = run(source, Some(&backend));
    let bytecode = run(&without_decorators(source), None);
    assert_eq!(native, bytecode, "program:\n{source}");
    assert!(!native.is_empty(), "the program printed nothing");
}

#[test]
fn viper_integer_loops_and_branches() {
    assert_same_as_bytecode(
        "
@micropython.viper
def f(n: int) -> int:
    s = 0
    for i in range(n):
        s += i * i
        if s > 1000:
            s = s - 1000
        elif s < 10:
            s += 3
        else:
            s ^= 5
    return s

@micropython.viper
def g(n: int) -> int:
    i = 0
    t = 0
    while i < n:
        i += 1
        if i % 3 == 0:
            continue
        if i > 50:
            break
        t += i
    return t

@micropython.viper
def h(a: int, b: int) -> int:
    return a // b + (a % b) * 1000 + (a << 3) - (b >> 1) + (a & 0xff) + (a | b) + ~a - -b

for n in (0, 1, 7, 100, -3):
    print(f(n), g(n))
for a in (-7, 7, 100, -100, 0):
    for b in (2, -2, 3, -5, 1):
        print(h(a, b))
",
    );
}

#[test]
fn viper_comparisons_bools_and_range_steps() {
    assert_same_as_bytecode(
        "
@micropython.viper
def cmp(a: int, b: int) -> int:
    r = 0
    if a < b: r |= 1
    if a <= b: r |= 2
    if a > b: r |= 4
    if a >= b: r |= 8
    if a == b: r |= 16
    if a != b: r |= 32
    if a < b and b < 10: r |= 64
    if a > b or b == 0: r |= 128
    return r

@micropython.viper
def both(a: int, b: int) -> bool:
    return a < b

@micropython.viper
def steps(n: int) -> int:
    s = 0
    for i in range(n, 0, -2):
        s = s * 3 + i
    for j in range(2, n, 3):
        s -= j
    return s

for a in (-2, 0, 5):
    for b in (-2, 0, 5, 20):
        print(cmp(a, b), both(a, b))
print(steps(9), steps(0), steps(20))
",
    );
}

#[test]
fn viper_int_wraps_at_32_bits_and_uint_is_unsigned() {
    let source = format!(
        "{WRAP32}
@micropython.viper
def mul(x: int, y: int) -> int:
    return x * y

@micropython.viper
def shifted(x: uint) -> uint:
    return (x >> 28) + (x << 4)

@micropython.viper
def ucmp(x: uint, y: uint) -> bool:
    return x < y

for x, y in ((65536, 65536), (123456789, 1000), (-77777, 99999), (2147483647, 2)):
    print(mul(x, y) == wrap32(x * y))
print(shifted(0xf0000001) == ((0xf0000001 >> 28) + (0xf0000001 << 4)) & 0xffffffff)
print(ucmp(1, 0xffffffff), ucmp(0xffffffff, 1))
"
    );
    let backend = targets::host_backend().expect("host backend");
    let out = run(&source, Some(&backend));
    assert_eq!(out, "True\nTrue\nTrue\nTrue\nTrue\nTrue False\n");
}

/// An operation on literals is folded by the parser with unbounded precision before viper
/// sees it, as MicroPython's parser does, so it means what bytecode means; cast to `int`,
/// the same operations run in viper and wrap at 32 bits. (The fuzzer's viper oracle once
/// expected the wrapped value for the folded form.)
#[test]
fn viper_folds_literal_operations_like_the_parser_and_wraps_cast_ones() {
    assert_same_as_bytecode(
        "
@micropython.viper
def folded(r: int) -> int:
    return ((64 << 25) >> 17) + r
print(folded(0), folded(-5))
",
    );
    let source = format!(
        "{WRAP32}
@micropython.viper
def cast(r: int) -> int:
    return ((int(64) << 25) >> 17) + r
print(cast(0) == wrap32(wrap32(64 << 25) >> 17), cast(-5) == wrap32(wrap32(64 << 25) >> 17) - 5)
"
    );
    let backend = targets::host_backend().expect("host backend");
    assert_eq!(run(&source, Some(&backend)), "True True\n");
}

/// Pointer loads against bytecode indexing; pointer stores (the VM has no mutable buffer
/// yet, so they write into a `bytes` object) against values bytecode computes from the
/// bytes read back.
#[test]
fn viper_pointers_read_and_write_arena_buffers() {
    assert_same_as_bytecode(
        "
@micropython.viper
def checksum(buf: ptr8, n: int) -> int:
    s = 0
    for i in range(n):
        s = (s + buf[i]) & 0xffff
    return s

print(checksum(b'hello world', 11), checksum(b'\\xff' * 300, 300))
",
    );
    let backend = targets::host_backend().expect("host backend");
    let out = run(
        "
@micropython.viper
def fill(buf: ptr8, n: int, v: int):
    for i in range(n):
        buf[i] = v + i

@micropython.viper
def sum16(buf: ptr16, n: int) -> int:
    s = 0
    for i in range(n):
        s += buf[i]
    return s

@micropython.viper
def store32(buf, i: int, v: uint) -> uint:
    p = ptr32(buf)
    p[i] = v
    return uint(p[i])

@micropython.viper
def addr_of(buf) -> int:
    return int(ptr8(buf))

def halfword(b, i):
    return b[2 * i] | b[2 * i + 1] << 8

b = b'-' * 12
fill(b, 10, 250)
print(list(b) == [(250 + i) & 0xff for i in range(10)] + [45, 45])
print(sum16(b, 6) == sum(halfword(b, i) for i in range(6)))
print(store32(b, 1, 0xdeadbeef) == 0xdeadbeef, halfword(b, 2) == 0xbeef, halfword(b, 3) == 0xdead)
print(addr_of(b) != addr_of(b'other'))
",
        Some(&backend),
    );
    assert_eq!(out, "True\nTrue\nTrue True True\nTrue\n");
}

#[test]
fn viper_casts_and_calls_of_python_objects() {
    assert_same_as_bytecode(
        "
def twice(x):
    return 2 * x

class Box:
    def __init__(self):
        self.value = 21

@micropython.viper
def use(x, n: int) -> int:
    y = int(twice(x)) + n
    print(y, x)
    b = Box()
    return int(b.value) + y

@micropython.viper
def count_true(xs) -> int:
    n = 0
    for x in xs:
        if x:
            n += 1
    return n

print(use(5, 3))
print(use(-40, 1))
print(count_true([0, 1, [], 'a', None, 3]), count_true(''))
",
    );
}

#[test]
fn exceptions_raised_by_helpers_propagate_out_of_viper_code() {
    assert_same_as_bytecode(
        "
@micropython.viper
def div(a: int, b: int) -> int:
    return a // b

@micropython.viper
def call(f) -> int:
    return int(f())

def boom():
    raise ValueError('boom')

try:
    call(boom)
except ValueError as e:
    print('caught', e)
print(div(7, 2))
print(div(1, 0))
",
    );
}

const NATIVE_PROGRAM: &str = "
class P:
    def __init__(self, x):
        self.x = x

    @micropython.native
    def scaled(self, k):
        return self.x * k

@micropython.native
def count(n):
    s = 0
    for i in range(n):
        if i % 3 == 0 or not i % 5:
            s += i * 1000003
    return s

@micropython.native
def setter(o, d, key):
    o.x = 5
    d[key] = o.x + 1
    d['big'] = 12345678901234567890
    d[3] = 'three'
    return d

@micropython.native
def total(xs):
    t = 0
    for x in xs:
        if x == 'stop':
            break
        t = t + x
    return t

@micropython.native
def fib(n):
    a, b = 0, 1
    out = []
    for i in range(n):
        a, b = b, a + b
        out.append(a)
    return out, (a, b)

@micropython.native
def swap(t):
    a, b = t
    return [b, a]

def g(a, b=2, *, c=3):
    return a * 100 + b * 10 + c

@micropython.native
def keywords(x):
    print('x', x, end='!\\n', sep=':')
    d = {'k': x, 2: [x]}
    d[3] = {}
    return g(x, c=7), g(b=1, a=x), 'abc'.upper(), 'a-b'.split('-'), d

@micropython.native
def lookup(d, k):
    return d[k]

@micropython.native
def label(x):
    if x is None:
        return 'none'
    if x in (1, 2):
        return 'small'
    return str(x) + '!'

print(count(10), count(1000), P(7).scaled(3), P('ab').scaled(2))
print(setter(P(1), {}, 'a'))
print(label(None), label(2), label(7.5))
print(keywords(5))
print(fib(12), swap((1, 'x')), swap('ab'))
try:
    swap((1, 2, 3))
except ValueError as e:
    print('ValueError', e)
print(total([1, 2, 3]), total((5, 'stop', 7)), total(range(10)), total({4: 'a', 5: 'b'}))
try:
    lookup({}, 'k')
except KeyError as e:
    print('KeyError', e)
lookup([], 0)
";

#[test]
fn native_functions_run_every_op_through_the_runtime() {
    assert_same_as_bytecode(NATIVE_PROGRAM);
}

#[test]
fn try_except_in_native_and_viper_code() {
    assert_same_as_bytecode(
        "
@micropython.native
def f(g, x):
    try:
        r = g(x)
    except ValueError:
        r = 'value'
    except (KeyError, IndexError):
        return 'lookup'
    else:
        r = [r]
    return r

def ok(x): return x + 1
def bad(x): raise ValueError(x)
def key(x): return {}[x]

print(f(ok, 1), f(bad, 2), f(key, 3))
try:
    f(ok, 'a')
except TypeError as e:
    print('TypeError', e)

@micropython.viper
def v(a: int, g) -> int:
    n = 0
    for i in range(a):
        try:
            try:
                g(i)
            except KeyError:
                n += 1000
            n += 1
        except:
            n += 100
    return n if n > 0 else -1

def odd(i):
    if i % 2: raise ValueError
    if i == 4: raise KeyError
print(v(7, odd), v(0, odd))
",
    );
}

/// Collecting at every allocation finds an object word native code failed to root.
/// `finally` runs on the normal path and on the way out of an exception, which it then
/// raises again; `except ... as name` binds and then deletes the name; nested `try`s pick the
/// innermost handler; module code (`-X emit=native`) deletes a global.
#[test]
fn finally_and_except_as_in_native_code() {
    assert_same_as_bytecode(
        "
@micropython.native
def guarded(x, log):
    log.append('start')
    try:
        y = 100 // x
        log.append(y)
    finally:
        log.append('finally')
    log.append('after')
    return y

@micropython.native
def nested(x):
    try:
        try:
            y = 10 // x
        except ZeroDivisionError as e:
            print('caught', type(e).__name__, e)
            y = -1
        finally:
            print('inner finally')
        if y > 3:
            raise ValueError(y)
    finally:
        print('outer finally')
    return y

@micropython.native
def tally(items):
    total = 0
    for i in items:
        try:
            total += 100 // i
        except ZeroDivisionError as err:
            total -= 1
        except TypeError:
            total -= 1000
    return total

log = []
print(guarded(7, log), log)
log = []
try:
    guarded(0, log)
except ZeroDivisionError:
    print('raised through', log)
print(nested(0))
try:
    nested(2)
except ValueError as e:
    print('ValueError', e)
print(tally([1, 2, 0, 5, 'x']))
",
    );
    let module = "\
try:
    1 // 0
except ZeroDivisionError as e:
    print('caught', e)
try:
    print(e)
except NameError:
    print('e was deleted')
try:
    x = 1
finally:
    print('done', x)
";
    let backend = targets::host_backend().expect("host backend");
    let native = run_with(
        module,
        Some(&backend),
        VmConfig::default(),
        EmitKind::Native,
    );
    assert_eq!(native, run(module, None));
}

/// Set displays and slices (with and without a step, loaded and stored) in native code.
#[test]
fn sets_and_slices_in_native_code() {
    assert_same_as_bytecode(
        "
@micropython.native
def shapes(l, s):
    a = {1, 2, len(l), 2}
    l[0:1] = [9, 9]
    return l[1:3], l[::-1], l[:2], l[-2:], s[1:], s[::2], len(a), 9 in {l[0]}

print(shapes([1, 2, 3, 4], 'hello'))
",
    );
}

#[test]
fn native_code_roots_its_objects_under_gc_stress() {
    let backend = targets::host_backend().expect("host backend");
    let config = VmConfig {
        gc_stress: true,
        ..VmConfig::default()
    };
    let native = run_with(NATIVE_PROGRAM, Some(&backend), config, EmitKind::Bytecode);
    assert_eq!(native, run(&without_decorators(NATIVE_PROGRAM), None));
}

/// `-X emit=native` and `-X emit=viper`: every scope, the module's included, as machine code
/// (the program keeps to what viper types accept: `int(...)` casts the object arguments).
#[test]
fn whole_modules_compile_to_native_and_viper_code() {
    let source = "
def tri(n, k):
    t = 0
    for i in range(int(n)):
        t += i * int(k)
    return t

table = {}
for n in range(5):
    table[n] = tri(n, 1), tri(n, 2)
total = 0
for key in table:
    a, b = table[key]
    total += a + b
print(table, total, [tri(3, 1), tri(4, 1)])
";
    let backend = targets::host_backend().expect("host backend");
    let bytecode = run(source, None);
    for emit in [EmitKind::Native, EmitKind::Viper] {
        let native = run_with(source, Some(&backend), VmConfig::default(), emit);
        assert_eq!(native, bytecode, "{emit:?}");
    }
}

/// `-X emit=native` over what a module does at its top level: imports, class bodies (their
/// names in the class's dict), `del` of names, attributes and items, lambdas and every kind of
/// comprehension (nested, over stack iterators, with `break` in loops), and a bare `except:`.
#[test]
fn module_level_constructs_compile_to_native_code() {
    let source = "
import math
from math import sqrt, floor as fl
import collections as c
try:
    import no_such_module
except:
    print('no module')

class Base:
    scale = 2
    tmp = scale + 1
    del tmp
    def area(self):
        return self.w * self.h * self.scale

class Rect(Base):
    def __init__(self, w, h):
        self.w = w
        self.h = h

class Square(Rect):
    def __init__(self, s):
        super().__init__(s, s)
    def area(self):
        return super().area() + 1, __class__.__name__

print(Square(4).area())

def scoped(k):
    class Local:
        tag = k * 2
        def __new__(cls):
            print('new', cls.__name__)
            return super(cls, Local).__new__(cls)
    return Local().tag

first, *middle, last = range(6)
print(scoped(21), first, middle, last, ..., Ellipsis is ...)
r = Rect(2, 3)
r.extra = 1
del r.extra
d = {k: v for k, v in [(1, 'a'), (2, 'b')]}
del d[1]
square = lambda x: x * x
grid = [(i, j) for i in range(3) for j in range(i) if j != 1]
evens = {n % 4 for n in range(10)}
for i in range(5):
    if i == 3:
        break
total = 0
for i in [1, 2, 3]:
    for j in [4, 5]:
        if j == 5:
            break
        total += i * j
print(r.area(), hasattr(r, 'extra'), hasattr(Base, 'tmp'), d, square(7), grid)
print(sorted(evens), i, total, sqrt(16.0), fl(2.5), math.pi > 3, c.OrderedDict.__name__)
del square
try:
    square
except NameError:
    print('deleted')
";
    let backend = targets::host_backend().expect("host backend");
    let bytecode = run(source, None);
    assert!(bytecode.contains("deleted"), "{bytecode}");
    for gc_stress in [false, true] {
        let config = VmConfig {
            gc_stress,
            ..VmConfig::default()
        };
        let native = run_with(source, Some(&backend), config, EmitKind::Native);
        assert_eq!(native, bytecode, "gc_stress {gc_stress}");
    }
}

/// Closures (cells made at entry, a parameter's holding the argument; closed-over cells
/// arriving first as arguments), default, keyword-only, `*args` and `**kwargs` parameters
/// bound as bytecode binds them, and calls with `*`/`**` arguments, in `@native` code.
#[test]
fn closures_and_every_argument_kind_in_native_code() {
    assert_same_as_bytecode(
        "
@micropython.native
def counter(start, step=1):
    n = start
    def inc(k=None):
        nonlocal n
        n += step if k is None else k
        return n
    return inc

@micropython.native
def nested(x):
    def mid():
        def inner():
            return x * 10
        return inner()
    x += 1
    return mid()

@micropython.native
def late():
    def f():
        return y
    try:
        f()
    except NameError as e:
        print('unbound', e)
    y = 7
    return f()

@micropython.native
def signature(a, b=2, *rest, c, d=4, **kw):
    return a, b, rest, c, d, sorted(kw.items())

@micropython.native
def many(a, b, c, d, e, g, h, i=8, *rest, k=10):
    return a + b + c + d + e + g + h + i + sum(rest) + k

@micropython.native
def spread(f, l, d):
    return f(*l), f(0, *l, 3, **d), f(**d, y=2), '{}-{}'.format(*l), max(*l)

c = counter(5)
c()
print(c(), c(10), nested(1), late(), [(lambda q: q + z)(1) for z in range(3)])
print(signature(1, c=3), signature(1, 5, 6, 7, c=3, e=9, d=0))
print(many(1, 2, 3, 4, 5, 6, 7), many(1, 2, 3, 4, 5, 6, 7, 9, 100, k=0))
print(spread(lambda *a, **k: (a, sorted(k.items())), [1, 2], {'x': 1}))
for bad in [lambda: signature(), lambda: signature(1, 2), lambda: counter(1)(1, 2)]:
    try:
        bad()
    except TypeError as e:
        print('TypeError', e)
",
    );
}

/// `with` (`__exit__` called on every way out, an exception swallowed when it returns
/// true), and `return`, `break` and `continue` running the `finally` bodies and `__exit__`s
/// they pass on the way, nested, in loops, and a `return` in a `finally` overriding.
#[test]
fn with_and_jumps_through_finally_in_native_code() {
    assert_same_as_bytecode(
        "
class CM:
    def __init__(self, name, swallow=False):
        self.name = name
        self.swallow = swallow
    def __enter__(self):
        print('enter', self.name)
        return self.name.upper()
    def __exit__(self, t, v, tb):
        print('exit', self.name, t.__name__ if t else None, v)
        return self.swallow

@micropython.native
def managers():
    with CM('a') as x:
        print('body', x)
    with CM('b', True):
        raise ValueError('swallowed')
    try:
        with CM('c') as y, CM('d'):
            raise KeyError(y)
    except KeyError as e:
        print('caught', e)

@micropython.native
def returns(x):
    try:
        try:
            if x:
                return 'early'
        finally:
            print('inner finally')
        with CM('r'):
            for i in range(10):
                if i == 2:
                    return i
    finally:
        print('outer finally')

@micropython.native
def overrides():
    try:
        return 'body'
    finally:
        return 'finally wins'

@micropython.native
def jumps():
    out = []
    for i in range(5):
        try:
            if i == 1:
                continue
            if i == 3:
                break
            out.append(i)
        finally:
            print('finally', i)
    for j in range(3):
        with CM(str(j)):
            if j == 1:
                break
    while True:
        try:
            try:
                break
            finally:
                print('inner')
        finally:
            print('outer')
    return out

managers()
print(returns(1), returns(0), overrides(), jumps())
",
    );
}

/// A bare `raise` raises again what the innermost running handler caught (or, with none,
/// `RuntimeError`), and `raise ... from ...` warns and raises, in native and viper code,
/// where MicroPython's native emitter refuses both.
#[test]
fn bare_raise_and_raise_from_in_native_code() {
    assert_same_as_bytecode(
        "
@micropython.native
def reraise(n):
    try:
        if n:
            raise ValueError('v')
        return 'fine'
    except ValueError:
        try:
            raise
        except ValueError as e:
            print('again', e)
        raise

@micropython.native
def innermost():
    try:
        raise KeyError('a')
    except KeyError:
        try:
            raise IndexError('b')
        except IndexError:
            pass
        raise

@micropython.viper
def chained():
    raise TypeError('t') from ValueError('c')

@micropython.native
def nothing():
    raise

for fn in [lambda: reraise(0), lambda: reraise(1), innermost, chained, nothing]:
    try:
        print(fn())
    except Exception as e:
        print(type(e).__name__, e)
",
    );
}

/// Native generators: `yield` (suspending with every live value saved in the generator's
/// frame), `send`, `throw` into a `try`, `close` running `finally`, `yield from` another
/// generator and a plain iterable, generator expressions, arguments bound at the call, and
/// coroutines with `async with` left by `continue`, `raise` and `return`; also under GC
/// stress, which collects while generators are suspended.
#[test]
fn generators_in_native_code() {
    let source = "
@micropython.native
def count(n):
    i = 0
    while i < n:
        yield i
        i += 1
    return 'end'

@micropython.native
def echo():
    got = []
    while True:
        x = yield len(got)
        if x is None:
            break
        got.append(x)
    return got

@micropython.native
def delegate():
    r = yield from count(3)
    print('inner returned', r)
    yield from [10, 20]
    yield 'last'

@micropython.native
def catcher():
    try:
        yield 1
    except ValueError as e:
        yield 'caught ' + str(e)
    finally:
        print('cleanup')

@micropython.native
def with_args(a, *rest, k=5):
    yield a
    yield rest
    yield [v * k for v in rest]

print(list(count(4)))
g = echo()
print(next(g), g.send('a'), g.send('b'))
try:
    g.send(None)
except StopIteration as e:
    print('stop', e.args)
print(list(delegate()))
c = catcher()
print(next(c), c.throw(ValueError('boom')))
c.close()
print(sum(x * x for x in count(10)), list(with_args(1, 2, 3, k=9)))

class AManager:
    async def __aenter__(self):
        print('aenter')
        return 'entered'
    async def __aexit__(self, t, v, tb):
        print('aexit', t.__name__ if t else None)

@micropython.native
async def coroutine(fail):
    for i in range(3):
        async with AManager() as m:
            if i == 1:
                continue
            if fail:
                raise KeyError(m)
            if i == 2:
                return m + '!'

for fail in [False, True]:
    try:
        coroutine(fail).send(None)
    except StopIteration as e:
        print('returned', e.value)
    except KeyError as e:
        print('raised', e)
";
    let backend = targets::host_backend().expect("host backend");
    let bytecode = run(&without_decorators(source), None);
    assert!(bytecode.contains("caught boom"), "{bytecode}");
    for gc_stress in [false, true] {
        let config = VmConfig {
            gc_stress,
            ..VmConfig::default()
        };
        let native = run_with(source, Some(&backend), config, EmitKind::Bytecode);
        assert_eq!(native, bytecode, "gc_stress {gc_stress}");
    }
}

/// The small-int operations native code does inline (`+ - & | ^ >>`, comparisons, `is`,
/// and the truth of a comparison) agree with the runtime on the edges: 31-bit overflow into
/// big ints, negative numbers, shifts past the word, and non-int operands, which take the
/// runtime's way.
#[test]
fn inline_small_int_operations_agree_with_the_runtime() {
    assert_same_as_bytecode(
        "
@micropython.native
def ops(a, b):
    out = []
    for f in (lambda: a + b, lambda: a - b, lambda: a & b, lambda: a | b, lambda: a ^ b,
              lambda: a >> b, lambda: a < b, lambda: a > b, lambda: a <= b, lambda: a >= b,
              lambda: a == b, lambda: a != b, lambda: a is b):
        try:
            out.append(f())
        except Exception as e:
            out.append(type(e).__name__)
    if a < b:
        out.append('less')
    while a and b:
        out.append('both')
        break
    return out

vals = [0, 1, -1, 2, -2, 1073741823, -1073741824, 1073741822, -1073741823, 2**31, -2**31,
        2**40, 3.5, True, False, None, 'a', (1,), 536870912, -536870913]
for a in vals:
    for b in vals + [31, 32, 33, 100, -3]:
        print(a, b, ops(a, b))
",
    );
}

/// A `@native` loop that never ends still lets the runtime poll: the step limit (as Ctrl-C
/// would) stops it, where MicroPython's native code spins; as for bytecode, no handler
/// catches a spent limit.
#[test]
fn endless_native_loops_reach_the_step_limit() {
    let source = "
@micropython.native
def forever():
    i = 0
    while True:
        i += 1

try:
    forever()
except RuntimeError as e:
    print('stopped:', e)
";
    let backend = targets::host_backend().expect("host backend");
    let config = VmConfig {
        max_steps: 1_000_000,
        ..VmConfig::default()
    };
    let out = run_with(source, Some(&backend), config, EmitKind::Bytecode);
    assert_eq!(out, "RuntimeError: step limit exceeded");
}

/// Reading a local before it is assigned, or after `del`, raises as bytecode does (where
/// MicroPython's native code reads `None`), catchable where it happens.
#[test]
fn unbound_locals_raise_in_native_code() {
    assert_same_as_bytecode(
        "
@micropython.native
def maybe(flag):
    if flag:
        x = 1
    try:
        return x
    except NameError as e:
        return 'unbound: ' + str(e)

@micropython.native
def deleted(a):
    y = 5
    del y, a
    out = []
    for read in (lambda: y, lambda: a):
        try:
            read()
        except NameError:
            out.append('deleted')
    return out

print(maybe(True), maybe(False), deleted(1))
",
    );
}

#[test]
fn wrong_argument_count_is_a_type_error() {
    let backend = targets::host_backend().expect("host backend");
    let out = run(
        "@micropython.viper\ndef f(a: int) -> int:\n    return a\nprint(f(1, 2))\n",
        Some(&backend),
    );
    assert_eq!(
        out,
        "TypeError: function takes 1 positional arguments but 2 were given"
    );
}

/// MicroPython's wording for viper's compile-time errors (its `viper_error.py.exp`).
#[test]
fn viper_type_errors_use_micropythons_messages() {
    let backend = targets::host_backend().expect("host backend");
    let cases = [
        (
            "def f(a:1): pass",
            "SyntaxError: annotation must be an identifier",
        ),
        (
            "def f() -> 1: pass",
            "SyntaxError: annotation must be an identifier",
        ),
        (
            "def f(x:unknown_type): pass",
            "ViperTypeError: unknown type 'unknown_type'",
        ),
        (
            "def f():\n    print(x)\n    x = 1",
            "ViperTypeError: local 'x' used before type known",
        ),
        (
            "def f(y):\n    x = 1\n    x = y",
            "ViperTypeError: local 'x' has type 'int' but source is 'object'",
        ),
        (
            "def f(y) -> int: return y",
            "ViperTypeError: return expected 'int' but got 'object'",
        ),
        (
            "def f(x:ptr): -x",
            "ViperTypeError: can't do unary op of 'ptr'",
        ),
        (
            "def f(y): 1 + y",
            "ViperTypeError: can't do binary op between 'int' and 'object'",
        ),
        (
            "def f(x:int, y:uint): x < y",
            "ViperTypeError: comparison of int and uint",
        ),
        ("def f(): 1[0]", "ViperTypeError: can't load from 'int'"),
        ("def f(): 1[0] = 1", "ViperTypeError: can't store to 'int'"),
        (
            "def f(x:int): x[0] = x",
            "ViperTypeError: can't store to 'int'",
        ),
        (
            "def f(x:int): not x",
            "ViperTypeError: 'not' not implemented",
        ),
        (
            "def f(x:uint, y:uint): res = x // y",
            "ViperTypeError: div/mod not implemented for uint",
        ),
        (
            "def f(x:uint, y:uint): res = x % y",
            "ViperTypeError: div/mod not implemented for uint",
        ),
        (
            "def f(x:int): res = x in x",
            "ViperTypeError: binary op  not implemented",
        ),
        (
            "def f():\n    x = ptr(0)\n    if x:\n        pass",
            "ViperTypeError: can't implicitly convert 'ptr' to 'bool'",
        ),
        (
            "def f(x:ptr32): x[0] = None",
            "ViperTypeError: can't store 'None'",
        ),
        (
            "def f(x:ptr32): x[x] = None",
            "ViperTypeError: can't store 'None'",
        ),
        (
            "def f(): print(ptr(1))",
            "NotImplementedError: conversion to object",
        ),
        ("def f(): int(int)", "NotImplementedError: casting"),
        ("def f(): raise 1", "ViperTypeError: must raise an object"),
        ("def f(): yield", "NotImplementedError: native yield"),
    ];
    for (code, expected) in cases {
        let source = format!("@micropython.viper\n{code}\n");
        let out = run(&source, Some(&backend));
        assert_eq!(out, format!("compile error: {expected}"), "for {code:?}");
    }
}

#[test]
fn without_a_backend_native_code_is_refused() {
    let out = run("@micropython.viper\ndef f():\n    pass\n", None);
    assert_eq!(out, "compile error: SyntaxError: invalid arch");
}
