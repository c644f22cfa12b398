class Foo:
    def bar(self, x):
        return x

    class Inner:
        def deep(self):
            pass


def outer():
    def inner(a, b):
        return a
    return inner


tests = [
    lambda: Foo().bar(),
    lambda: Foo().bar(1, 2),
    lambda: outer()(1),
    lambda: Foo.Inner().deep(1),
    lambda: None.x,
    lambda: Foo().missing,
    lambda: Foo.missing,
    lambda: (lambda q: q)(),
    lambda: "abc".nope(),
    lambda: [].pop(),
    lambda: {}.pop("k"),
    lambda: int("x1"),
    lambda: float("y"),
    lambda: [1, 2].index(3),
    lambda: "a" * "b",
    lambda: {1: 2}[[1]],
    lambda: sum(["a", "b"]),
    lambda: max([]),
    lambda: (1, 2)[5],
    lambda: "abc"[10],
    lambda: Foo()(),
]
for t in tests:
    try:
        t()
    except Exception as e:
        print(type(e).__name__ + ":", e)
print(Foo.bar.__qualname__, outer().__qualname__, Foo.Inner.deep.__qualname__, (lambda: 0).__qualname__)
