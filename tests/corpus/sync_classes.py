class Animal:
    kind = "animal"
    count = 0

    def __init__(self, name):
        self.name = name
        Animal.count += 1

    def speak(self):
        return f"{self.name} makes a sound"

    def __repr__(self):
        return f"Animal({self.name!r})"


class Dog(Animal):
    kind = "dog"

    def __init__(self, name, tricks=None):
        super().__init__(name)
        self.tricks = tricks or []

    def speak(self):
        base = super().speak()
        return base + " (woof)"


a = Animal("generic")
d = Dog("rex", ["sit"])
print(a.speak(), "|", d.speak())
print(a, [d], d.kind, a.kind, Animal.count, d.tricks)
print(isinstance(d, Animal), isinstance(a, Dog), issubclass(Dog, Animal), type(d).__name__)
print(hasattr(d, "tricks"), getattr(d, "missing", "default"))
d.age = 3
print(d.age, d.name)
