# String and bytes concatenation: results that share a growing buffer must each keep their
# own text, hash like any equal string, and work as dict keys and in comparisons.
a = "abc" * 3
b = a + "x"
c = a + "y"
d = b + "z"
e = b + "w"
print(a, b, c, d, e, len(a), len(d))
print(hash(b) == hash("abcabcabcx"), {b: 1}["abcabcabcx"], b == "abcabcabcx", c < b)

s = ""
for i in range(600):
    s += str(i)
snapshot = s
s += "-tail"
print(len(s), s[-12:], len(snapshot), snapshot[-6:])
print(hash(snapshot) == hash("".join(str(i) for i in range(600))))

# A NUL byte in the appended text, then appends after a shorter prefix.
t = snapshot + "a\x00b"
u = snapshot + "q"
v = t + "!"
print(repr(t[-4:]), u[-3:], repr(v[-5:]), len(t), len(u), len(v))

bb = b""
for i in range(100):
    bb += bytes([65 + i % 26])
mid = bb
bb += b"\x00end"
print(bb[-6:], mid[-3:], len(bb), len(mid))

keys = {}
k = "key"
for i in range(40):
    k += "k"
    keys[k] = i
print(keys["key" + "k" * 30], len(keys), sorted(keys)[0] == "keyk")

parts = []
line = ""
for i in range(50):
    line += "w%d " % i
    if i % 7 == 6:
        parts.append(line)
        line = ""
print(parts[1], len(parts), line)
