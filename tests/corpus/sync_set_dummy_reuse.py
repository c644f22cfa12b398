# A new member takes the *last* removed slot its probe passes (CPython 3.11's set_add_entry),
# which decides the order a set prints in after removals.
s = {0, 1, 2, 3}
for x in (0, 2, 3):
    s.discard(x)
s.add(10)
print(s)

s = set()
for x in (0, 1, 2):
    s.add(x)
s.pop()
s.pop()
s.add(8)
s.add(16)
print(s, list(s))

s = set()
s |= {0, 57}
print(s.pop())
s |= {25, 1}
print(s.pop())
s.add(8)
s.add(16)
print(s, s.copy(), sorted(s))

s = set(range(4))
for x in range(3):
    s.discard(x)
s.add(8)
s.add(16)
print(s)
s.add(24)
print(s)
