# Class attribute protocols: property, descriptors, __getattr__/__setattr__/__delattr__,
# class and static methods, __new__, __dict__, type(), super() and lookup order.


class Celsius:
    def __init__(self, degrees):
        self._degrees = degrees

    @property
    def degrees(self):
        return self._degrees

    @degrees.setter
    def degrees(self, value):
        if value < -273:
            raise ValueError("below absolute zero")
        self._degrees = value

    @degrees.deleter
    def degrees(self):
        print("deleting degrees")
        self._degrees = 0

    def _fahrenheit(self):
        return self._degrees * 9 // 5 + 32

    fahrenheit = property(_fahrenheit)


c = Celsius(20)
print(c.degrees, c.fahrenheit)
c.degrees = 100
print(c.degrees, c.fahrenheit)
try:
    c.degrees = -300
except ValueError as e:
    print("ValueError", e)
del c.degrees
print(c.degrees)
try:
    c.fahrenheit = 5
except AttributeError:
    print("read-only property")


class Typed:
    def __set_name__(self, owner, name):
        self.name = "_" + name
        print("set_name", owner.__name__, name)

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return getattr(obj, self.name, None)

    def __set__(self, obj, value):
        if not isinstance(value, int):
            raise TypeError("expected int")
        setattr(obj, self.name, value)

    def __delete__(self, obj):
        print("delete", self.name)


class Point:
    x = Typed()

    def __init__(self, x):
        self.x = x


p = Point(1)
print(p.x, p._x, Point.x.name)
p.x = 10
print(p.x)
try:
    p.x = "no"
except TypeError as e:
    print("TypeError", e)
del p.x


class Record:
    def __init__(self):
        object.__setattr__(self, "log", [])

    def __getattr__(self, name):
        return "missing " + name

    def __setattr__(self, name, value):
        self.log.append(name)
        object.__setattr__(self, name, value * 2)

    def __delattr__(self, name):
        self.log.append("del " + name)
        object.__delattr__(self, name)


r = Record()
r.a = 5
print(r.a, r.b, r.log)
del r.a
print(r.a, r.log)
print(hasattr(r, "anything"), getattr(r, "zz", 0))


class Counter:
    created = 0

    def __new__(cls, *args):
        cls.created += 1
        return super().__new__(cls)

    def __init__(self, start=0):
        self.value = start

    @classmethod
    def make(cls, n):
        return cls(n)

    @staticmethod
    def double(n):
        return 2 * n


class SubCounter(Counter):
    pass


a = Counter.make(3)
b = SubCounter.make(4)
print(type(a).__name__, type(b).__name__, a.value, b.value, Counter.created)
print(Counter.double(5), a.double(6), b.make(1).value, SubCounter.created)


class Singleton:
    instance = None

    def __new__(cls):
        if cls.instance is None:
            cls.instance = object.__new__(cls)
        return cls.instance


print(Singleton() is Singleton())


class NotMine:
    def __new__(cls):
        return 42


print(NotMine())

Dyn = type("Dyn", (Counter,), {"extra": 7, "show": lambda self: self.value + self.extra})
d = Dyn(1)
print(Dyn.__name__, d.show(), isinstance(d, Counter), issubclass(Dyn, (int, Counter)))
print(type(d) is Dyn, d.__class__.__name__, Dyn.__bases__ == (Counter,))

d.more = 1
print(sorted(d.__dict__.items()), "extra" in Dyn.__dict__)


class Base:
    def who(self):
        return "Base"

    def chain(self):
        return ["Base"]


class Left(Base):
    def who(self):
        return "Left+" + super().who()

    def chain(self):
        return ["Left"] + super().chain()


class Right:
    def who(self):
        return "Right"

    def chain(self):
        return ["Right"]


class Both(Left, Right):
    def chain(self):
        return ["Both"] + super(Both, self).chain()


print(Both().who(), Both().chain(), isinstance(Both(), Right))
print(super(Left, Left()).who())


class Number:
    def __init__(self, n):
        self.n = n

    def __add__(self, other):
        if isinstance(other, Number):
            return Number(self.n + other.n)
        return NotImplemented

    def __radd__(self, other):
        return Number(self.n + other)

    def __iadd__(self, other):
        self.n += other
        return self

    def __repr__(self):
        return "Number(%d)" % self.n


x = Number(1) + Number(2)
y = 10 + x
x += 5
print(x, y)
try:
    Number(1) + "s"
except TypeError:
    print("TypeError")
