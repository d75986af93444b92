# Boolean logic the compiler turns into conditional jumps: nested and/or/not in if, while and
# expressions, comparisons of every kind, and constant conditions.
def classify(a, b, c):
    tags = []
    if a and b:
        tags.append("a&b")
    if a or b and c:
        tags.append("a|b&c")
    if not (a and (b or not c)):
        tags.append("not(a&(b|!c))")
    if (a or b) and not (b and c) or c is None:
        tags.append("mixed")
    if a < b <= c != a:
        tags.append("chain")
    if a in (1, 2) and b not in [3] and c is not None:
        tags.append("membership")
    return tags


for args in [(1, 2, 3), (0, 0, 0), (2, 3, None), (1, 0, 5), (5, 5, 5), (0, 1, 1)]:
    try:
        print(args, classify(*args))
    except TypeError:
        print(args, "uncomparable")
values = [0, 1, "", "x", None, [], [0], 0.0, 2]
print([v and "T" or "F" for v in values])
print([(v or "dflt") for v in values])
print([not v for v in values], [bool(v) is (not not v) for v in values])
i, j = 0, 10
while i < j and not (i == 3 or j == 7):
    i += 1
    j -= 1
print(i, j)
n = 0
while True:
    n += 1
    if n > 3 and n % 2 == 0 or n > 20:
        break
print(n)
x = 5
r = "big" if x > 3 and x < 10 else "edge" if x == 10 else "other"
print(r, (x > 3) == True, (x > 3) is True, x > 3 == True)
print(1 if [] else 2, 3 if not () else 4, all([]), any([]), None is None is not False)
