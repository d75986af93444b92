# Class-heavy code: small objects, inheritance, super(), special methods and method calls.
class Vector:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, other):
        return Vector(self.x + other.x, self.y + other.y)

    def __mul__(self, k):
        return Vector(self.x * k, self.y * k)

    def __eq__(self, other):
        return self.x == other.x and self.y == other.y

    def __hash__(self):
        return self.x * 1000 + self.y

    def length2(self):
        return self.x * self.x + self.y * self.y


class Shape:
    def __init__(self, name):
        self.name = name

    def area(self):
        return 0

    def describe(self):
        return self.name + ":" + str(self.area())


class Rect(Shape):
    def __init__(self, w, h):
        super().__init__("rect")
        self.w = w
        self.h = h

    def area(self):
        return self.w * self.h


class Square(Rect):
    def __init__(self, s):
        super().__init__(s, s)
        self.name = "square"


acc = Vector(0, 0)
for i in range(30000):
    acc = acc + Vector(i % 7, i % 11) * 2
seen = set()
for i in range(20000):
    seen.add(Vector(i % 101, i % 37))
shapes = [Rect(i % 13, i % 17) if i % 2 else Square(i % 19) for i in range(20000)]
areas = sum(s.area() for s in shapes)
names = len(set(s.describe() for s in shapes))
print(acc.x, acc.y, acc.length2(), len(seen), areas, names)
