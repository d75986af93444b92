# re: MicroPython's dialect: sets, named classes, greedy and lazy repetition, groups,
# alternation, anchors; match/search/split/sub with compiled patterns and plain text.
# (Match objects' groups/span/start/end are left out: MicroPython builds them only at its
# "everything" feature level, which the oracle's build is not.)
import re

date = re.compile(r"(\d+)-(\d+)-(\d+)")
m = date.search("released on 2024-11-22, patched later")
print(m.group(0), m.group(1), m.group(2), m.group(3))
m = re.match(r"\s*(\w+)\s*=\s*([^;]*);", "  width = 42 px;")
print(m.group(1), m.group(2))
print(re.match("a+?", "aaa").group(0), re.match("a*?b", "aaab").group(0), re.match("(ab)*", "ababx").group(0))
print(re.match("(a|b)*c", "abbac").group(1), re.search("x|y|z", "--z").group(0), re.match("(?:ab)+(c)", "ababc").group(1))
print(re.match("^ab$", "ab") is not None, re.match("^ab$", "abc"), re.search("b$", "abab").group(0))
print(re.match(r"[^\s,]+", "alpha, beta").group(0), re.match(r"[\d\-]+", "12-34x").group(0), re.match(r"\W+", "+-=a").group(0))
print(re.match(r"(x)?(y)", "y").group(1), re.match(r"(x)?(y)", "y").group(2))
print(re.search("o+", "foo boo").group(0), re.match("o", "foo"))

words = re.compile(r"[ ,;]+")
print(words.split("a, b;c  d"), words.split("a, b;c  d", 2), re.compile("x").split("no match"))
print(re.sub(r"\d+", "#", "a1b22c333"), re.sub(r"(\w+)@(\w+)", r"\2 at \1", "me@home you@work"))
print(re.sub("a", "b", "aaa", 2), re.sub("z", "y", "unchanged"), re.sub(r"(\d)", r"<\g<1>>", "a1b2"))
print(re.sub(r"\d+", lambda m: str(int(m.group(0)) * 2), "3 apples and 10 pears"))
print(date.match("2024-1-2x").group(0), date.match("x2024-1-2"), date.search("x2024-1-2").group(3))
print(re.match(b"[a-c]+", b"abcd").group(0), re.sub(b"b", b"B", b"abc"))

for bad in ("?", "*", "+", ")", "[", "([", "(a", "a)"):
    try:
        re.compile(bad)
        print(repr(bad), "compiled")
    except Exception:
        print(repr(bad), "error")
