def greet(name, greeting="Hello", *args, punct="!"):
    return f"{greeting}, {name}{punct} {args}"


print(greet("a"))
print(greet("b", "Hi", 1, 2, punct="?"))
print(greet(greeting="Yo", name="c"))


def make_counter():
    count = 0

    def inc():
        nonlocal count
        count += 1
        return count

    return inc


c = make_counter()
c()
c()
print(c())
square = lambda v: v * v
print(square(7), list(map(square, [1, 2])), list(filter(lambda v: v % 2, range(6))))
G = 10


def bump():
    global G
    G += 1


bump()
print(G)


def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)


print(fact(30))
print([x * x for x in range(5) if x % 2 == 0], {k: v for k, v in zip("ab", [1, 2])}, {x % 3 for x in range(10)})
print(sum(x for x in range(101)), [(i, j) for i in range(2) for j in range(2)])
