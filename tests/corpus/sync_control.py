total = 0
for i in range(10):
    if i % 2 == 0:
        continue
    if i > 7:
        break
    total += i
else:
    print("no break")
print(total)
n = 0
while n < 3:
    n += 1
else:
    print("while else", n)
for i, ch in enumerate("ab"):
    print(i, ch)
for a, b in zip([1, 2, 3], "xyz"):
    print(a, b)
for k, v in {"p": 1, "q": 2}.items():
    print(k, v)
x = 5
print("big" if x > 3 else "small", x > 3 and "yes", x < 3 or "no", not x)
a, b = 1, 2
a, b = b, a
first, *rest = [1, 2, 3, 4]
print(a, b, first, rest)
