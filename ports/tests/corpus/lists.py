# Lists: construction, mutation, slicing and sorting.
xs = [5, 3, 8, 1]
xs.append(7)
xs.insert(0, 9)
xs.extend([2, 2])
print(xs, len(xs), xs.count(2), xs.index(8))
print(xs.pop(), xs.pop(0), xs)
xs.remove(8)
xs.sort()
print(xs, sorted(xs, reverse=True), sorted(["bb", "a", "ccc"], key=len))
xs.reverse()
print(xs, xs[1:3], xs[::2], xs[-2:], xs[:-2])
xs[1:3] = [10, 20, 30]
print(xs)
del xs[0]
del xs[1:3]
print(xs, [0] * 4, [1, 2] + [3], 3 in xs, 20 in xs)
grid = [[r * 3 + c for c in range(3)] for r in range(3)]
print(grid, grid[1][2], [row[0] for row in grid])
a = [1, 2, 3]
b = a
b.append(4)
c = a[:]
c.append(5)
print(a, b, c, a is b, a is c, a == b)
print(list(range(0, 20, 3)), list(range(5, 0, -1)), max(xs), min(xs), any([0, 0, 1]), all([1, 0]))
xs.clear()
print(xs, [] == [], [1, [2, [3]]] < [1, [2, [4]]])
