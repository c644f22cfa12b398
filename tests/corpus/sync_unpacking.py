a, *b, c = range(6)
print(a, b, c)
(x, y), z = (1, 2), 3
print(x, y, z)
first, *_ = "hello"
print(first)
head, *tail = [1]
print(head, tail)
try:
    p, q = [1, 2, 3]
except ValueError as e:
    print(e)
try:
    p, q, r = [1, 2]
except ValueError as e:
    print(e)
m = [1, *range(3), *"ab"]
print(m, (*m[:2], 9))
