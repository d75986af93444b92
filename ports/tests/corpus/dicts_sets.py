# Dictionaries and sets (printed in sorted order so every runtime agrees).
d = {"one": 1, "two": 2}
d["three"] = 3
d.update({"four": 4}, five=5)
print(sorted(d.items()), len(d), d.get("six"), d.get("six", 6), "two" in d)
print(d.pop("one"), d.setdefault("seven", 7), sorted(d), sorted(d.values()))
del d["two"]
print(sorted(d.keys()), dict([(1, "a"), (2, "b")]) == {1: "a", 2: "b"})
counts = {}
for ch in "mississippi":
    counts[ch] = counts.get(ch, 0) + 1
print(sorted(counts.items()))
s = {3, 1, 2}
s.add(5)
s.discard(1)
print(sorted(s), 2 in s, len(s), sorted(s | {9}), sorted(s & {2, 3}), sorted(s - {3}), sorted(s ^ {2, 8}))
print({1, 2} <= {1, 2, 3}, {1, 2}.issubset({1}), sorted(set("hello")), sorted(frozenset([3, 1])))
inv = {v: k for k, v in {"a": 1, "b": 2}.items()}
print(sorted(inv.items()), sorted({x % 3 for x in range(10)}))
e = dict(a=1)
e.clear()
print(e, {}, len({(1, 2): "t"}), {1: 2}.popitem())
