s = set()
for v in [5, 3, 9, 1, 3]:
    s.add(v)
print(s, len(s), sorted(s))
t = {3, 4}
print(s | t, s & t, s - t, s.issubset({1, 3, 5, 9, 11}), t.isdisjoint({7}))
s.discard(100)
print(3 in s, 100 in s, sorted(s.union([20, 30])), sorted(s.intersection([1, 9, 99])))
seen = set()
out = []
for x in [3, 1, 3, 2, 1]:
    if x not in seen:
        seen.add(x)
        out.append(x)
print(out, {x % 4 for x in range(10)})
