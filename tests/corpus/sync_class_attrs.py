class Counter:
    instances = 0
    step = 1

    def __init__(self):
        Counter.instances += 1
        self.value = 0

    def tick(self):
        self.value += self.step
        return self


class Fast(Counter):
    step = 10


c = Counter().tick().tick()
f = Fast().tick()
print(c.value, f.value, Counter.instances, Fast.instances, Fast.step)
Counter.step = 2
print(Counter().tick().value, Fast().tick().value)


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __eq__(self, other):
        return self.x == other.x and self.y == other.y

    def __str__(self):
        return f"({self.x}, {self.y})"

    def __lt__(self, other):
        return (self.x, self.y) < (other.x, other.y)

    def __add__(self, other):
        return Point(self.x + other.x, self.y + other.y)


p = Point(1, 2)
print(p == Point(1, 2), p != Point(2, 2), str(p), p + Point(3, 3), sorted([Point(2, 0), p])[0])
print(Point(1, 2) in [Point(0, 0), Point(1, 2)])
