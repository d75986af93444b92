# The text methods str, bytes and bytearray share, with start/end, maxsplit and tuples.
s = "  hello, world, again  "
t = s.strip()
print(t.split(", "), t.split(", ", 1), t.rsplit(", ", 1), "a b  c".split(None, 1))
print(t.find("wo"), t.rfind("l"), t.index("again"), t.rindex("l", 0, 5), t.find("x"))
print(t.count("l"), t.count("l", 3), t.count(""), "aaaa".count("aa"))
print(t.partition(", "), t.rpartition(", "), t.partition("#"), t.rpartition("#"))
print(s.lstrip(), s.rstrip() + "|", "xxhixx".strip("x"), "--a--".lstrip("-"), "--a--".rstrip("-"))
print("abc".center(9), "abc".center(8) + "|", "e".center(5) + "|", "abcdef".center(2))
print(t.startswith("he"), t.startswith(("x", "he")), t.startswith("llo", 2), t.endswith("ain"))
print(t.endswith(("ain", "q"), 0, 5), "x".startswith(""), "ab".endswith("ab", -2))
print("a\nb\r\nc\rd".splitlines(), "a\nb\n".splitlines(True), "".splitlines())
print("Hello World".upper(), "Hello World".lower(), "a-b-c".replace("-", "+", 1), "ab".replace("", "."))
print("123".isdigit(), "12a".isdigit(), "abc".isalpha(), " \t\n".isspace(), "".isspace())
print("ABC1".isupper(), "AbC".isupper(), "abc!".islower(), "123".islower())
print("-".join(["a", "b", "c"]), ", ".join(str(i) for i in range(3)), "".join([]))
try:
    "abc".index("z")
except ValueError as e:
    print("ValueError", e)
try:
    "a,b".split("")
except ValueError as e:
    print("ValueError", e)

b = b"key=value; other=thing"
print(b.split(b"; "), b.partition(b"="), b.find(b"="), b.find(b"o", 5), b.count(b"e"), b.upper())
print(b.replace(b"=", b": "), b.startswith(b"key"), b"  pad ".strip(), b"-".join([b"x", b"y"]))
print(b"a,b,,c".split(b","), b"one two".rsplit(b" ", 1), b"AbC".lower(), b"12".isdigit())
ba = bytearray(b"x-y-z")
print(ba.split(b"-"), ba.replace(b"-", b"+"), ba.find(b"z"), ba.upper(), ba.center(7))
print(b"<%s>" % b"" if False else b"<>", b"abc".index(b"c"), b"abcabc".rindex(b"b"))
