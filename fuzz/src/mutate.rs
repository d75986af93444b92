//! Mutations: byte-level ones for any input, and structure-aware ones for `.mpy` files that
//! change a parsed module (qstrs, constants, bytecode, children, header fields) and write it
//! again, so the mutant passes the header and table checks and reaches the deeper validation.

use crate::rng::Rng;
use num_bigint::BigInt;
use std::rc::Rc;
use vm::rawcode::{CodeKind, CompiledModule, ConstObj, NativeArch, NativeSection, RawCode};

/// Fragments worth splicing into source text (tokens that change the parse a lot).
pub const SOURCE_DICTIONARY: &[&[u8]] = &[
    b"\n",
    b"\n    ",
    b"(",
    b")",
    b"[",
    b"]",
    b"{",
    b"}",
    b":",
    b",",
    b"def ",
    b"class ",
    b"lambda",
    b"yield",
    b"await ",
    b"async ",
    b"*",
    b"**",
    b"=",
    b":=",
    b"'",
    b"\"\"\"",
    b"f'{",
    b"}'",
    b"\\",
    b"#",
    b"0x",
    b"1e",
    b"j",
    b"const(",
    b"global ",
    b"nonlocal ",
    b"try:\n",
    b"except:",
    b"finally:",
    b"with ",
    b"for x in ",
    b"if ",
    b"else",
    b"@",
    b"return",
    b"break",
    b"continue",
    b"import ",
    b"from ",
    b" as ",
    b"del ",
    b"\xc3\xa9",
    b"\t",
    b"\r\n",
    b"\x00",
    b"...",
];

/// Byte values at encoding boundaries (varints, signed bytes, opcodes).
const INTERESTING_BYTES: &[u8] = &[0x00, 0x01, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x3f, 0x40];

/// Applies one to four random byte-level mutations; `other` is a splice partner and the result
/// is cut to `max_len`.
pub fn bytes(rng: &mut Rng, data: &[u8], other: &[u8], dict: &[&[u8]], max_len: usize) -> Vec<u8> {
    let mut out = data.to_vec();
    for _ in 0..1 + rng.below(4) {
        mutate_once(rng, &mut out, other, dict);
    }
    out.truncate(max_len);
    out
}

fn mutate_once(rng: &mut Rng, out: &mut Vec<u8>, other: &[u8], dict: &[&[u8]]) {
    let len = out.len();
    let at = |rng: &mut Rng| rng.below(len + 1);
    match rng.below(9) {
        0 if len > 0 => {
            let i = rng.below(len);
            out[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = rng.below(len);
            out[i] = *rng.pick(INTERESTING_BYTES);
        }
        2 => {
            let i = at(rng);
            out.insert(i, rng.next_u64() as u8);
        }
        3 if len > 0 => {
            let start = rng.below(len);
            let end = (start + 1 + rng.below(16)).min(len);
            out.drain(start..end);
        }
        4 if len > 0 => {
            let start = rng.below(len);
            let end = (start + 1 + rng.below(32)).min(len);
            let chunk = out[start..end].to_vec();
            let i = at(rng);
            out.splice(i..i, chunk);
        }
        5 if !dict.is_empty() => {
            let i = at(rng);
            out.splice(i..i, rng.pick(dict).iter().copied());
        }
        6 if !other.is_empty() => {
            let start = rng.below(other.len());
            let end = (start + 1 + rng.below(64)).min(other.len());
            let i = at(rng);
            let cut = (i + rng.below(8)).min(len);
            out.splice(i..cut, other[start..end].iter().copied());
        }
        7 if len > 1 => {
            let (i, j) = (rng.below(len), rng.below(len));
            out.swap(i, j);
        }
        _ if len > 0 => {
            out.truncate(rng.below(len));
        }
        _ => out.push(rng.next_u64() as u8),
    }
}

/// A structure-aware mutant of a valid module, written as `.mpy` bytes.
pub fn mpy_module(rng: &mut Rng, module: &CompiledModule) -> Vec<u8> {
    let mut m = module.clone();
    for _ in 0..1 + rng.below(3) {
        match rng.below(8) {
            0 => mutate_qstrs(rng, &mut m),
            1 | 2 => mutate_objs(rng, &mut m),
            3..=5 => mutate_code(rng, &mut m.root),
            6 => mutate_tree(rng, &mut m.root),
            _ => mutate_header(rng, &mut m),
        }
    }
    vm::mpy::write(&m)
}

fn mutate_qstrs(rng: &mut Rng, m: &mut CompiledModule) {
    let new: Rc<str> = Rc::from(*rng.pick(&[
        "",
        "x",
        "__init__",
        "é",
        "a very long name indeed",
        "\0",
        "<module>",
    ]));
    let i = rng.below(m.qstrs.len().max(1));
    match rng.below(3) {
        0 if i < m.qstrs.len() => m.qstrs[i] = new,
        1 if m.qstrs.len() > 1 => {
            m.qstrs.remove(i.max(1).min(m.qstrs.len() - 1));
        }
        _ => m.qstrs.push(new),
    }
}

fn mutate_objs(rng: &mut Rng, m: &mut CompiledModule) {
    let obj = random_obj(rng, 0);
    let i = rng.below(m.objs.len() + 1);
    match rng.below(3) {
        0 if i < m.objs.len() => m.objs[i] = obj,
        1 if i < m.objs.len() => {
            m.objs.remove(i);
        }
        _ => m.objs.insert(i, obj),
    }
}

fn random_obj(rng: &mut Rng, depth: usize) -> ConstObj {
    let float = |rng: &mut Rng| {
        *rng.pick(&[
            0.0,
            -0.0,
            1.5,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            1e-310,
            1e300,
        ])
    };
    match rng.below(11) {
        0 => ConstObj::None,
        1 => ConstObj::True,
        2 => ConstObj::Ellipsis,
        3 => ConstObj::Str(Rc::from(*rng.pick(&["", "s", "é\u{1F600}", "\0"]))),
        4 => ConstObj::Bytes(Rc::from(&b"\x00\xff"[..rng.below(3)])),
        5 => ConstObj::Int(BigInt::from(rng.next_u64() as i64) << rng.below(200)),
        6 => ConstObj::Float(float(rng)),
        7 => ConstObj::Complex {
            real: float(rng),
            imag: float(rng),
        },
        8 if depth < 4 => ConstObj::Tuple(
            (0..rng.below(4))
                .map(|_| random_obj(rng, depth + 1))
                .collect(),
        ),
        9 => ConstObj::FunTable,
        _ => ConstObj::False,
    }
}

/// Paths (child indices from the root) of every raw code in the tree.
fn code_paths(code: &RawCode, prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    out.push(prefix.clone());
    for (i, child) in code.children.iter().enumerate() {
        prefix.push(i);
        code_paths(child, prefix, out);
        prefix.pop();
    }
}

fn pick_code<'a>(rng: &mut Rng, root: &'a mut RawCode) -> &'a mut RawCode {
    let mut paths = Vec::new();
    code_paths(root, &mut Vec::new(), &mut paths);
    let path = &paths[rng.below(paths.len())];
    path.iter().fold(root, |code, &i| &mut code.children[i])
}

fn mutate_code(rng: &mut Rng, root: &mut RawCode) {
    let code = pick_code(rng, root);
    let data = std::mem::take(&mut code.fun_data);
    code.fun_data = bytes(rng, &data, &[], &[], 1 << 16);
}

fn mutate_tree(rng: &mut Rng, root: &mut RawCode) {
    let donor = pick_code(rng, root).clone();
    let code = pick_code(rng, root);
    match rng.below(4) {
        0 if !code.children.is_empty() => {
            let i = rng.below(code.children.len());
            code.children.remove(i);
        }
        1 => code.children.push(donor),
        2 => code.children.reverse(),
        _ => {
            code.kind = *rng.pick(&[
                CodeKind::Bytecode,
                CodeKind::NativePy,
                CodeKind::NativeViper,
                CodeKind::NativeAsm,
            ]);
            code.native = (code.kind != CodeKind::Bytecode).then(|| NativeSection {
                prelude_offset: rng.below(code.fun_data.len() + 2),
                scope_flags: rng.next_u64() as u32 & 0xff,
                asm_n_pos_args: rng.below(5) as u32,
                asm_type_sig: rng.next_u64() as u32,
                rodata: vec![0; rng.below(3)],
                bss_size: rng.below(9),
                relocations: if rng.one_in(2) {
                    vec![]
                } else {
                    vec![0x00, 0xff]
                },
                host: None,
            });
        }
    }
}

fn mutate_header(rng: &mut Rng, m: &mut CompiledModule) {
    match rng.below(3) {
        0 => m.small_int_bits = *rng.pick(&[0, 1, 7, 15, 31, 63, 64, 255]),
        1 => m.arch_flags = rng.next_u64() as u32 >> rng.below(32),
        _ => {
            m.arch = *rng.pick(&[
                NativeArch::None,
                NativeArch::X64,
                NativeArch::Armv6m,
                NativeArch::Xtensawin,
            ])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vm::compile::{compile_source, CompileOptions};

    #[test]
    fn byte_mutations_change_inputs_and_respect_the_length_cap() {
        let mut rng = Rng::new(1);
        let seed = b"def f(x):\n    return x\n";
        let mut changed = 0;
        for _ in 0..200 {
            let out = bytes(&mut rng, seed, b"other", SOURCE_DICTIONARY, 30);
            assert!(out.len() <= 30);
            changed += usize::from(out != seed);
        }
        assert!(changed > 150);
    }

    #[test]
    fn structural_mutants_often_still_pass_the_header_and_tables() {
        let src = "def f(a, b=2):\n    return (a, b, 1.5, 'x')\nclass C:\n    def m(self): return [i for i in range(3)]\n";
        let module = compile_source(src, "m.py", &CompileOptions::default()).expect("compiles");
        let mut rng = Rng::new(9);
        let read_ok = (0..300)
            .filter(|_| vm::mpy::read(&mpy_module(&mut rng, &module)).is_ok())
            .count();
        // Mutants the reader accepts are the interesting ones; some must get through.
        assert!(read_ok > 10, "only {read_ok} of 300 mutants were accepted");
    }
}
