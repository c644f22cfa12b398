class Tracer:
    def __init__(self, name, swallow=False):
        self.name = name
        self.swallow = swallow

    def __enter__(self):
        print("enter", self.name)
        return self

    def __exit__(self, et, exc, tb):
        print("exit", self.name, et.__name__ if et else None)
        return self.swallow


with Tracer("a") as t:
    print("inside", t.name)
with Tracer("b", swallow=True):
    raise ValueError("swallowed")
try:
    with Tracer("c"), Tracer("d"):
        raise KeyError("k")
except KeyError as e:
    print("propagated", e)


def early():
    with Tracer("e"):
        return "returned from with"


print(early())
for i in range(2):
    with Tracer(f"loop{i}"):
        if i == 0:
            continue
        break
