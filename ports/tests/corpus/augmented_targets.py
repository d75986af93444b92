# Assignment targets of every shape: attributes, subscripts, slices, nested unpacking,
# augmented assignment to each, and chained assignment.
class Box:
    def __init__(self):
        self.value = 1
        self.items = [1, 2, 3]
        self.map = {"k": 10}


b = Box()
b.value += 5
b.value *= 3
b.items[1] += 40
b.items[-1] **= 2
b.map["k"] -= 4
b.map["new"] = b.map.get("new", 0) + 1
print(b.value, b.items, sorted(b.map.items()))
grid = [[0] * 3 for _ in range(3)]
for i in range(3):
    grid[i][i] += i + 1
    grid[i][(i + 1) % 3] |= 8
print(grid)
seq = list(range(10))
seq[2:5] = ["a", "b"]
seq[7:] = [0, 0, 0]
seq[-2:] = []
print(seq)
(a, b2), [c, *d] = (1, 2), [3, 4, 5]
print(a, b2, c, d)
x = y = z = "same"
print(x is y is z)
first, (second, third), *others = "12", "34", 5, 6
print(first, second, third, others)
counts = {}
for word in "a b a c b a".split():
    counts[word] = counts.get(word, 0) + 1
print(sorted(counts.items()))
s = "str"
s += "ing"
s *= 2
t = (1,)
t += (2,)
n = 10
n //= 3
n <<= 2
n %= 5
print(s, t, n)
