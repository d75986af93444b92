# Inheritance, super(), method resolution and class hierarchies.
class Animal:
    sound = "..."

    def __init__(self, name):
        self.name = name

    def speak(self):
        return self.name + " says " + self.sound

    def kind(self):
        return "animal"


class Dog(Animal):
    sound = "woof"

    def kind(self):
        return "dog, an " + super().kind()


class Puppy(Dog):
    def __init__(self, name, age):
        super().__init__(name)
        self.age = age

    def speak(self):
        return super().speak() + " (age %d)" % self.age


class Cat(Animal):
    sound = "meow"


for a in [Animal("generic"), Dog("rex"), Puppy("bit", 1), Cat("tom")]:
    print(a.speak(), "|", a.kind())
print(isinstance(Puppy("p", 2), Animal), issubclass(Cat, Dog), issubclass(Puppy, Animal))


class A:
    def who(self):
        return "A"


class B(A):
    def who(self):
        return "B>" + super().who()


class C:
    def who(self):
        return "C"


class D(B, C):
    def who(self):
        return "D>" + super().who()


print(D().who())


class Base:
    def __init__(self):
        self.log = ["base"]

    def template(self):
        return [self.step(i) for i in range(3)]

    def step(self, i):
        return i


class Doubler(Base):
    def step(self, i):
        return i * 2


print(Doubler().template(), Doubler().log)
