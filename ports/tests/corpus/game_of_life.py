# Conway's game of life on a small torus, printed generation by generation.
W, H = 8, 6
glider = {(1, 0), (2, 1), (0, 2), (1, 2), (2, 2)}


def step(live):
    counts = {}
    for x, y in live:
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                if dx or dy:
                    cell = ((x + dx) % W, (y + dy) % H)
                    counts[cell] = counts.get(cell, 0) + 1
    return {cell for cell, n in counts.items() if n == 3 or (n == 2 and cell in live)}


def show(live):
    for y in range(H):
        print("".join("#" if (x, y) in live else "." for x in range(W)))


cells = glider
for gen in range(4):
    print("generation", gen, len(cells))
    show(cells)
    cells = step(cells)
for _ in range(20):
    cells = step(cells)
print(sorted(cells))
