# Formatting cases for krait's `format` tests. Run under MicroPython (the webassembly runtime,
# via oracle.mjs) it prints the expectation table `format_oracle.txt`; run under CPython
# (`python3 cases.py`) it prints the same table from CPython, which oracle.mjs uses to mark
# the lines on which both runtimes agree.
#
# `I` lines are `int(text, base)`: template is the text, the only arg the base. `D` lines are
# `repr(float(text))`.
#
# Table lines: kind, template, expected, args... separated by tabs. Kind: `F` str.format, `PT`
# `%` with a tuple, `PS` `%` with one object, `PD` `%` with a dict, `PBT` bytes `%` with a
# tuple. Args: `i<int>`, `f<float repr>`, `s<str>`, `b<bytes>`, `T`, `F`, `N` (None), `L`
# ([1, 2]), `k<name>=<arg>` (keyword or dict item). Expected is the result, or `!Type: message`.
# Text is escaped: `\\`, `\t`, `\n` and bytes outside printable ASCII as `\xNN`.


def esc(data):
    if isinstance(data, str):
        data = data.encode()
    out = []
    for c in data:
        if c == 92:
            out.append("\\\\")
        elif 32 <= c < 127:
            out.append(chr(c))
        elif c == 9:
            out.append("\\t")
        elif c == 10:
            out.append("\\n")
        else:
            out.append("\\x%02x" % c)
    return "".join(out)


def tok(v):
    if v is True:
        return "T"
    if v is False:
        return "F"
    if v is None:
        return "N"
    if isinstance(v, list):
        return "L"
    if isinstance(v, int):
        return "i" + str(v)
    if isinstance(v, float):
        return "f" + repr(v)
    if isinstance(v, bytes):
        return "b" + esc(v)
    return "s" + esc(v)


def run(kind, template, args, kwargs):
    try:
        if kind == "F":
            r = template.format(*args, **kwargs)
        elif kind == "PD":
            r = template % kwargs
        elif kind == "PS":
            r = template % args[0]
        else:
            r = template % tuple(args)
        return esc(r)
    except Exception as e:
        return "!" + type(e).__name__ + ": " + esc(str(e))


def case(kind, template, *args, **kwargs):
    toks = [tok(a) for a in args] + ["k" + k + "=" + tok(v) for k, v in sorted(kwargs.items())]
    print("\t".join([kind, esc(template), run(kind, template, args, kwargs)] + toks))


def F(template, *args, **kwargs):
    case("F", template, *args, **kwargs)


def P(template, *args):
    case("PT", template, *args)


INTS = [0, 1, -1, 7, 42, -42, 255, 1000, -1000, 123456789, -123456789, 2**31, 2**64 + 5, -(10**30)]
FLOATS = [0.0, -0.0, 1.5, -1.5, 0.1, 3.14159, 1234.5678, -0.000123, 1e16, 1e-5, 1e100,
          float("inf"), float("-inf"), float("nan"), 2.5, 0.5]
INT_SPECS = ["", "d", "5", "<5", "^5", ">5", "=5", "*^7", "05", "+", " ", "-", "+05", "#x",
             "#X", "#o", "#b", "x", "X", "o", "b", "c", "n", ",", "_", "_x", ",b", "010,",
             "012_", "09_x", "+#010x", "e", ".2f", "%", "g", "s", "#^+12,", "x<+8", "=+8",
             "<08", "^08", ".3d", "3.3"]
FLOAT_SPECS = ["", "e", "E", "f", "F", "g", "G", "%", "n", ".0f", ".1f", ".3e", ".10g",
               ".20f", ".0e", ".0g", ".0%", "10", "<10", "^10", "=10", "010", "+", " ",
               "+.2f", "010.2f", "010,.2f", ",", "_.1f", "*^12.3", "-8.2", ".17g", ".99g",
               "d", "x", "s", ".30f", ".40f", "#", "#g", "10.1", "=+012.3e"]
STR_SPECS = ["", "s", "5", "<5", ">5", "^5", "^6", "*>7", ".2", "10.3", ".0", "05", "d",
             "+", "=5", ",", "x^9s"]

# `c` of an int is only tabled for ASCII: the 1.27 runtime that produces the table lacks
# 1.29's UTF-8 encoding and range check there (unit tests in int.rs cover 1.29's behaviour).
def ascii_char_or_not_c(spec, v):
    return "c" not in spec or not isinstance(v, int) or v is True or v is False or 0 <= v < 128


for n in INTS + [True, False]:
    for s in INT_SPECS:
        if ascii_char_or_not_c(s, n):
            F("{:" + s + "}", n)
for x in FLOATS:
    for s in FLOAT_SPECS:
        F("{:" + s + "}", x)
for t in ["", "abc", "h\u00e9llo", "a'b", "tab\there"]:
    for s in STR_SPECS:
        F("{:" + s + "}", t)
F("{:>5}", None)
F("{:>5}", [1, 2])
F("{:>5}", b"ab")
F("{!r:>8}", "ab")
F("{!s:>8}", [1, 2])
F("{!r}", b"a'\x00")
for s in ["c", "^5c", "+c", "-c"]:
    for n in [65, 126]:
        F("{:" + s + "}", n)

# Templates.
F("{} {}", 1, 2)
F("{1} {0} {1}", "a", "b")
F("{a} {b}", a=1, b="x")
F("{0} {a}", 5, a=6)
F("{{}} {{{}}}", 3)
F("}}{{")
F("{", 1)
F("}", 1)
F("a}b", 1)
F("{0", 1)
F("{:", 1)
F("{!", 1)
F("{!x}", 1)
F("{!r", 1)
F("{!rx}", 1)
F("{0!r:>6}", "a")
F("{} {0}", 1, 2)
F("{0} {}", 1, 2)
F("{} {}", 1)
F("{5}", 1)
F("{x}", 1)
F("{0.real}", 1)
F("{0[0]}", [1])
F("{a.b}", a=1)
F("{:{}}", "ab", 5)
F("{:{}{}}", 7, "<", 4)
F("{0:{1}.{2}f}", 3.14159, 10, 2)
F("{:{w}}", 1, w=6)
F("{:>{}", 1, 2)
F("{:}", True)
F("{}", True)
F("{:d}", True)
F("{!s:d}", 1)
F("{:\x00d}", 5)
F("{:5s}", 1)
F("{0x}", 1)
F("{00}", 7)
F("{01}", 7, 8)
F("{:.3}", 1234.5)
F("{:10.1}", 0.0)
F("{:+s}", "a")
F("{:=^5}", 1)
F("{:\u00e9<5}", 1)

# Percent formatting.
for spec in ["%s", "%r", "%d", "%i", "%u", "%5d", "%-5d|", "%05d", "%-05d|", "%+d", "% d",
             "%+ d", "%.3d", "%8.3d|", "%-8.3d|", "%08.3d", "%x", "%X", "%#x", "%#X", "%o",
             "%#o", "%#08x", "%-#8x|", "%e", "%E", "%f", "%F", "%g", "%G", "%.2f", "%10.3f",
             "%-10.3e|", "%010.2f", "%+.1f", "% .1f", "%#g", "%c", "%5c", "%.0f", "%.1s",
             "%5.2s|", "%-5r|", "%05s"]:
    for v in [0, 7, -42, 255, 2**40, -(2**70), 3.7, -2.5, 0.5, 1e20, float("inf"),
              float("nan"), "a", "abc", True, None, [1, 2], b"xy"]:
        if ascii_char_or_not_c(spec, v):
            P(spec, v)
P("%s %s", 1)
P("%s", 1, 2)
P("%", 1)
P("abc%", 1)
P("%5", 1)
P("%.", 1)
P("%y", 1)
P("ab%\u00e9", 1)
P("%(a)s", 1)
P("%*d|", 5, 3)
P("%-*d|", 5, 3)
P("%*.*f|", 10, 3, 3.14159)
P("%.*f", 1.5, 1)
P("%*d", 2**64, 1)
P("%*d", "a", 1)
P("%%%d%%", 5)
P("%s%%", 5)
P("%.3s|", "h\u00e9llo")
P("%c", "\u00e9")
case("PS", "%s", 5)
case("PS", "%d items", 3)
case("PS", "%s %s", 5)
case("PS", "%s", [1, 2])
case("PS", "%(a)s", 5)
case("PD", "%(a)s %(b)05.1f", a="x", b=2.25)
case("PD", "%(a)s %(a)r", a="x")
case("PD", "%(missing)s", a=1)
case("PD", "%(a", a=1)
case("PD", "%s", a=1)
case("PD", "%(a)s %s", a=1)
case("PD", "plain", a=1)
case("PBT", b"%s|%s|%r", b"ab", "cd", b"ef")
case("PBT", b"%5s|%-4s|", b"ab", b"c")
case("PBT", b"%d %x", 10, 255)


def I(text, base):
    try:
        r = str(int(text, base))
    except Exception as e:
        r = "!" + type(e).__name__ + ": " + esc(str(e))
    print("\t".join(["I", esc(text), r, "i" + str(base)]))


for text in ["0", "123", "-123", "+5", "  42  ", "\t7\n", "1_000", "_1", "1__2", "_", "1_", "",
             " ", "-", "+", "0x1f", "0X1F", "0o17", "0b101", "0b", "0x", "00", "007", "0_0",
             "12a", "1 2", "abc", "ZZ", "zz", "1e3", "1.5", "--1", "0xg", "123456789012345678901234567890",
             "-99999999999999999999", "1_000_000_000_000", "1073741823", "1073741824",
             "1_073_741_824", "10737418_23", "ff", "FF", "0b2", "\u00e9", "1\u00e9", "\x00", "0x_f"]:
    for base in [0, 2, 8, 10, 16, 36]:
        I(text, base)
for base in [1, 37, -1]:
    I("1", base)


def D(text):
    try:
        r = repr(float(text))
    except Exception as e:
        r = "!" + type(e).__name__ + ": " + esc(str(e))
    print("\t".join(["D", esc(text), r]))


for text in ["1", "1.5", "-2.5e-3", " 1e5 ", "1_0", "_1", "1__0", "1e_5", ".e1", ".", "", " ",
             "1x", "infinityx", "inf", "-INF", "Infinity", "nan", "-nan", "NaN", "1e", "1e+",
             "e5", "+.5", "-.5e1", "0.1", "1e400", "1e-400", "123456789012345678901234567890",
             "0.000000000000000000000000000000000000001", "4.9406564584124654e-324",
             "2.4703282292062328e-324", "2.4703282292062327e-324", "1.7976931348623159e308",
             "0x10", "1j", "1e5.5", "--1", "1 2", "\u00e91", "00012", "1.", "1.e3", "9" * 40]:
    D(text)

# Random templates and patterns over fixed arguments (ints chosen so that `c` behaves the
# same in 1.27 and 1.29). Widths stay small: digits come one at a time. The generator is our
# own so that MicroPython and CPython produce the same cases.
SEED = [2024]


def rand(n):
    SEED[0] = (SEED[0] * 1103515245 + 12345) % 2147483648
    return (SEED[0] >> 8) % n


PIECES = ["{", "}", ":", "!", "r", "s", "0", "1", "2", "5", "<", ">", "=", "^", "+", "-", " ",
          "#", ",", "_", ".", "b", "c", "d", "e", "E", "f", "g", "G", "n", "o", "x", "X", "%",
          "a", "(", ")", "*", "[", "z", "{}", "{:", "}}", "{{", "%s", "%d", "%(", "\u00e9"]
RANDOM_ARGS = [65, -2.5, "h\u00e9", 2**80, True, None, 0.001]


def random_text():
    return "".join(PIECES[rand(len(PIECES))] for _ in range(1 + rand(10)))


for _ in range(400):
    F(random_text(), *RANDOM_ARGS[: rand(8)], a=7)
for _ in range(400):
    P(random_text(), *RANDOM_ARGS[: rand(8)])
for _ in range(100):
    case("PD", random_text(), a=1.5, b="x")
