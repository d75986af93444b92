# N-queens by backtracking, counting and showing the first solution.
def solve(n):
    cols, diag1, diag2 = set(), set(), set()
    placement = []
    solutions = []

    def place(row):
        if row == n:
            solutions.append(list(placement))
            return
        for c in range(n):
            if c in cols or row + c in diag1 or row - c in diag2:
                continue
            cols.add(c)
            diag1.add(row + c)
            diag2.add(row - c)
            placement.append(c)
            place(row + 1)
            placement.pop()
            cols.remove(c)
            diag1.remove(row + c)
            diag2.remove(row - c)

    place(0)
    return solutions


for n in range(4, 8):
    sols = solve(n)
    print(n, len(sols), sols[0])
for c in solve(6)[0]:
    print("".join("Q" if i == c else "." for i in range(6)))
