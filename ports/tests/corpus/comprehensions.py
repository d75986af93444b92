# List, set, dict comprehensions and generator expressions, nested and filtered.
nums = range(12)
print([n * n for n in nums if n % 3 == 0])
print([(i, j) for i in range(3) for j in range(i)])
print(sorted({n % 4 for n in nums}))
print(sorted({n: n ** 2 for n in nums if n < 5}.items()))
print(sum(n for n in nums), max(n % 5 for n in nums))
matrix = [[1, 2, 3], [4, 5, 6]]
print([[row[i] for row in matrix] for i in range(3)])
print([x for row in matrix for x in row if x % 2])
words = ["apple", "Banana", "cherry", "date"]
print([w.upper() for w in words if len(w) > 4], {w[0].lower(): len(w) for w in words} == {"a": 5, "b": 6, "c": 6, "d": 4})
factor = 10
print([factor * x for x in range(3)], list(map(lambda x: x + factor, [1, 2])))
print(["even" if x % 2 == 0 else "odd" for x in range(4)], [y for y in (x * 2 for x in range(5)) if y > 3])
