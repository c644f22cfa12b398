class Base:
    greeting = "hi"

    def __init__(self, name="base"):
        self.name = name

    def hello(self):
        return f"{self.greeting} {self.name} from {type(self).__name__}"

    def twice(self):
        return self.hello() + " / " + self.hello()


class Child(Base):
    greeting = "yo"


class Grand(Child):
    def __init__(self):
        super().__init__("grand")
        self.extra = True

    def hello(self):
        return "[" + super().hello() + "]"


for obj in [Base(), Child("kid"), Grand()]:
    print(obj.hello(), "|", obj.twice())
print(Grand().extra, hasattr(Grand(), "name"), Grand.greeting, isinstance(Grand(), Base))


class MyErr(Exception):
    def __str__(self):
        return "custom str " + str(len(self.args))


class CodeErr(ValueError):
    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code


try:
    raise MyErr(1, 2)
except Exception as e:
    print(e, e.args, repr(e))
try:
    raise CodeErr(404, "not found")
except ValueError as e:
    print(e, e.code, e.args, type(e).__name__, isinstance(e, (KeyError, ValueError)))
try:
    raise Exception("a", 1)
except Exception as e:
    print(e, repr(e))
e = KeyError("k")
print(str(e), repr(e), str(KeyError()), repr(ValueError()), str(ValueError("x", "y")))


class Node:
    def __init__(self, v, nxt=None):
        self.v = v
        self.nxt = nxt

    def __iter__(self):
        out = []
        n = self
        while n is not None:
            out.append(n.v)
            n = n.nxt
        return iter(out)

    def __len__(self):
        return len(list(iter(self)))

    def __contains__(self, x):
        return x in list(iter(self))

    def __getitem__(self, i):
        return list(iter(self))[i]


lst = Node(1, Node(2, Node(3)))
print(list(lst), len(lst), 2 in lst, 5 in lst, lst[1], [x * 10 for x in lst], sum(lst))
o = Base()
del o.name
print(hasattr(o, "name"))
