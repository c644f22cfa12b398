a = list(range(10))
print(a[2:5], a[::3], a[-3:], a[:-7], a[5:2:-1])
a[1:3] = ["x", "y", "z"]
print(a)
del a[0]
del a[-2:]
print(a, a.index("z"), "y" in a)
b = [[0] * 2 for _ in range(2)]
b[0][0] = 1
print(b, [1, 2] + [3], [0] * 3, [1, 2] == [1, 2], [1, 2] < [1, 3], [3] > [2, 9])
c = [3, 1, 2]
c.remove(1)
c.insert(0, 9)
c.extend(range(2))
print(c, c.count(9), c.pop(1), c)
x, (y, z) = 1, [2, 3]
print(x, y, z)
print([i * j for i in range(1, 4) for j in range(1, 4) if i != j])
