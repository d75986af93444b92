# Float arithmetic: a Mandelbrot set count and a small n-body style integration.
def mandelbrot(size, limit):
    inside = 0
    for y in range(size):
        ci = 2.0 * y / size - 1.0
        for x in range(size):
            cr = 2.5 * x / size - 2.0
            zr = zi = 0.0
            n = 0
            while n < limit and zr * zr + zi * zi < 4.0:
                zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
                n += 1
            if n == limit:
                inside += 1
    return inside


def orbit(steps, dt):
    x, y, vx, vy = 1.0, 0.0, 0.0, 1.0
    for _ in range(steps):
        r2 = x * x + y * y
        r3 = r2 * r2 ** 0.5
        vx -= x / r3 * dt
        vy -= y / r3 * dt
        x += vx * dt
        y += vy * dt
    return round(x, 6), round(y, 6)


print(mandelbrot(90, 60))
print(orbit(60000, 0.001))
