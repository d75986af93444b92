# Calls with every argument form, and unpacking in literals.
def show(*args, **kwargs):
    return "%s %s" % (args, sorted(kwargs.items()))


base = [1, 2]
more = (3,)
opts = {"x": 1}
extra = {"y": 2}
print(show(*base))
print(show(0, *base, *more, 4))
print(show(**opts))
print(show(*base, z=3, **opts))
print(show(*"ab", *base), show(z=3, **extra))


class Point:
    def __init__(self, x=0, y=0):
        self.x, self.y = x, y

    def move(self, *deltas, scale=1):
        for dx, dy in deltas:
            self.x += dx * scale
            self.y += dy * scale
        return self.x, self.y


p = Point(*[1, 1])
print(p.move((1, 2), (3, 4)), p.move(*[(1, 1)], scale=10), Point(**{"y": 5}).y)
print(max(*[3, 9, 2]), min([4, 1, 7], key=lambda v: -v), "{}-{}".format(*"ab"))
