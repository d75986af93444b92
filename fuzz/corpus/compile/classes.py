class Vec:
    __slots__ = ()
    def __init__(self, x, y):
        self.x, self.y = x, y
    def __add__(self, other):
        return Vec(self.x + other.x, self.y + other.y)
    def __repr__(self):
        return f'Vec({self.x}, {self.y})'
    @staticmethod
    def zero():
        return Vec(0, 0)
    @property
    def norm(self):
        return (self.x ** 2 + self.y ** 2) ** 0.5

class Child(Vec):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

print(Vec(1, 2) + Child(3, 4), Vec.zero().norm)
