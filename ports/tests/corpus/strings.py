# String methods, slicing and escape sequences.
s = "Hello, World"
print(s.upper(), s.lower(), s.find("o"), s.rfind("o"), s.index("W"), s.count("l"))
print(s.replace("l", "L"), s.replace("l", "L", 2), s.split(", "), "a,b,,c".split(","))
print(s.startswith("Hell"), s.endswith("x"), s[2:9], s[-5:])
print("  pad  ".strip() + "|", "xxhixx".strip("x"), "  left".lstrip(), "right  ".rstrip() + "|")
print("-".join(["a", "b", "c"]), "abc" * 3, "ab" in "cabd", "z" not in "abc")
print("tab\there", "quote\"s", 'single\'s', "back\\slash", "nl\\n", "\x41\u00e9")
print(len("héllo"), "héllo"[1], ord("é"), "ABC".isupper(), "abc1".isalpha(), "123".isdigit())
print("one two  three".split(), "a b c".split(None, 1), "k=v=w".partition("="), "k=v=w".rpartition("="))
print("%s is %d years and %5.1f%%" % ("Al", 30, 99.5), "%-5s|%5s|" % ("l", "r"), "%x %o %c" % (255, 8, 65))
print("{} {} {}".format(1, "two", 3.0), "{1}{0}".format("a", "b"), "{x}-{y}".format(x=1, y=2))
print("{:>6}|{:<6}|{:^6}|{:06d}|{:,}".format("r", "l", "c", 42, 1234567))
print(repr("it's"), str(12), "[" + "abc".center(9) + "]", "Case".swapcase() if hasattr("", "swapcase") else "cASE")
long = """triple
quoted"""
print(long, r"raw\n", "con" "cat" 'ena' "tion")
print(sorted("banana"), list(reversed("abc")), "x".join("123"), "a\tb".expandtabs() if hasattr("", "expandtabs") else "a       b")
