# Classes: attributes, methods, class/static methods, properties and dunder methods.
class Vector:
    dims = 2

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, other):
        return Vector(self.x + other.x, self.y + other.y)

    def __mul__(self, k):
        return Vector(self.x * k, self.y * k)

    def __eq__(self, other):
        return self.x == other.x and self.y == other.y

    def __repr__(self):
        return "Vector(%r, %r)" % (self.x, self.y)

    def __len__(self):
        return 2

    def __getitem__(self, i):
        return (self.x, self.y)[i]

    @property
    def norm2(self):
        return self.x * self.x + self.y * self.y

    @classmethod
    def zero(cls):
        return cls(0, 0)

    @staticmethod
    def describe():
        return "2D vector"


v = Vector(1, 2) + Vector(3, 4)
print(v, v * 3, v.norm2, len(v), v[0], list(v), v == Vector(4, 6))
print(Vector.zero(), Vector.describe(), Vector.dims, v.dims, isinstance(v, Vector))


class Temperature:
    def __init__(self):
        self._c = 0

    @property
    def celsius(self):
        return self._c

    @celsius.setter
    def celsius(self, value):
        self._c = value


t = Temperature()
t.celsius = 25
print(t.celsius, hasattr(t, "_c"), getattr(t, "missing", "dflt"))
setattr(t, "extra", 9)
print(t.extra, type(t).__name__, Temperature.__name__)


class Stack:
    def __init__(self):
        self.items = []

    def push(self, item):
        self.items.append(item)
        return self

    def __iter__(self):
        return iter(reversed(self.items))

    def __contains__(self, item):
        return item in self.items

    def __bool__(self):
        return bool(self.items)

    def __call__(self, *args):
        return len(args)


s = Stack().push(1).push(2).push(3)
print(list(s), 2 in s, 5 in s, bool(s), bool(Stack()), s("a", "b"))
