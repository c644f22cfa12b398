def f(a, b=2, *args, c, d=4, **kw):
    return (a, b, args, c, d, kw)


print(f(1, c=3))
print(f(1, 5, 6, 7, c=3, d=0, e=9))
args = [10, 20]
print(f(*args, c=1))
try:
    f(1)
except TypeError as e:
    print(e)
try:
    f(1, 2, c=3, b=4)
except TypeError as e:
    print(e)


def g(x, y):
    return x - y


print(g(y=1, x=5))
try:
    g(1, 2, 3)
except TypeError as e:
    print(e)
