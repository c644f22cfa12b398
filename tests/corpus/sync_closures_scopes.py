def make_adders():
    return [lambda x, i=i: x + i for i in range(3)]


print([f(10) for f in make_adders()])


def outer():
    x = 1

    def mid():
        def inner():
            return x + 1
        return inner()
    x = 5
    return mid()


print(outer())
total = 0


def add(n):
    global total
    total += n


for i in range(4):
    add(i)
print(total)


def counter():
    n = 0

    def inc(by=1):
        nonlocal n
        n += by
        return n
    return inc


c1 = counter()
c2 = counter()
print(c1(), c1(5), c2())
