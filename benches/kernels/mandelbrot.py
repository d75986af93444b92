# Float Mandelbrot: escape-time iterations summed over a 64x48 grid. Viper has no float
# arithmetic (MicroPython's viper refuses `/` on ints; floats stay objects), so no viper variant.
# variants: bytecode native
DECORATOR
def mandelbrot(w: int, h: int, limit: int) -> int:
    total = 0
    for py in range(h):
        ci = (py / h) * 2.4 - 1.2
        for px in range(w):
            cr = (px / w) * 3.2 - 2.2
            zr = 0.0
            zi = 0.0
            n = 0
            while n < limit and zr * zr + zi * zi <= 4.0:
                t = zr * zr - zi * zi + cr
                zi = 2.0 * zr * zi + ci
                zr = t
                n += 1
            total += n
    return total


# timed
result = mandelbrot(64, 48, 100)
# check
print(result)
