def f():
    try:
        return "try"
    finally:
        print("finally runs before return")


def g():
    for i in range(3):
        try:
            if i == 1:
                continue
            if i == 2:
                break
            print("body", i)
        finally:
            print("cleanup", i)
    return "g done"


def h():
    try:
        raise ValueError("x")
    except ValueError:
        return "handled"
    finally:
        print("h finally")


print(f())
print(g())
print(h())
