# Class attributes that change after they were looked up: every lookup must see the change
# (krait caches class lookups and must forget them when a class dict changes).


class Base:
    greeting = "base"

    def speak(self):
        return "Base.speak"


class Child(Base):
    pass


c = Child()
print(c.greeting, c.speak())

# A base gains an attribute its subclass had been answering from further up.
Base.greeting = "changed"
print(c.greeting, Child.greeting)

# The subclass shadows it, then stops shadowing it.
Child.greeting = "child"
print(c.greeting)
del Child.greeting
print(c.greeting)

# Methods replaced on the class, through setattr and through assignment.
setattr(Base, "speak", lambda self: "lambda speak")
print(c.speak())
Base.speak = lambda self: "assigned speak"
print(c.speak())
delattr(Base, "speak")
try:
    c.speak()
except AttributeError:
    print("no speak")

# A __setattr__ that is removed after instances stored through it.
class Logged:
    def __setattr__(self, name, value):
        print("setattr", name, value)
        object.__setattr__(self, name, value * 10)


class LoggedChild(Logged):
    pass


g = LoggedChild()
g.x = 2
print(g.x)
del Logged.__setattr__
g.x = 3
print(g.x)

# A missing attribute that a base gains later.
try:
    c.missing
except AttributeError:
    print("missing")
Base.missing = "found"
print(c.missing)
del Base.missing
try:
    c.missing
except AttributeError:
    print("missing again")

# Classes made in a loop: a collected class's address may be reused by the next one,
# whose attributes must not be answered from the old class.
import gc

for i in range(6):
    K = type("K", (), {"n": i, "get": lambda self: self.n})
    k = K()
    print(k.get(), K.n)
    del K, k
    gc.collect()

for i in range(4):

    class L:
        tag = "L%d" % i

    print(L().tag)
    gc.collect()

# type() with a dict given by the caller.
d = {"a": 1}
T = type("T", (), d)
print(T.a, T().a)
