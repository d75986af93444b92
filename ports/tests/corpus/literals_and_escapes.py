# String and bytes literals with every escape, raw strings, long sequences of items and
# constant containers of many sizes.
print("bell\a|bs\b|ff\f|vt\v|nul\0|oct\101\60|hex\x7e|u\u00e9|U\U0001F600".encode())
print(b"\x00\x7f\x80\xff\t\n\r\\\'\"", len(b"\377"))
print(r"\n\t\x", rb"\d+", r"RAW", len(r"\\"), "\
continued")
print('''single ' and " quotes''', """triple "double" with 'single'""")
print("{}{{}}{}".format("<", ">"), "%%d %s" % "s", "%r %a" % ("q", "é") if False else "'q'")
items = [
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
    21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60,
    61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80,
    81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100,
    101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120,
    121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140,
]
print(len(items), sum(items), items[127:130])
dynamic = [len(items), items[0], items[-1], -items[5], items[3] * 2, str(items[9]), items[1:3]] * 20
print(len(dynamic), dynamic[:7])
consts = (1, 2.5, "three", b"four", None, True, False, (5, (6, 7)), -8, 9 ** 20)
print(consts, len(consts), consts[7][1][0])
print({1, 2, 3} == set((3, 2, 1)), frozenset() == set(), {"a": (1, 2), "b": [3]}["a"])
sets = [{1}, {1, 2}, set()]
print([len(s) for s in sets], sorted({x for s in sets for x in s}))
