a = [3, 1, 2]
a.append(5)
a.extend([9, 0])
a.insert(1, 7)
print(a, len(a), a.pop(), a.pop(0), a)
a.sort()
print(a, sorted(a, reverse=True), sorted(["bb", "a", "ccc"], key=len), a.index(5), a.count(2))
d = {"x": 1, "y": 2}
d["z"] = 3
del d["x"]
d["x"] = 4
print(d, list(d.keys()), list(d.values()), list(d.items()), d.get("q"), d.get("q", 0), "y" in d)
print(d.pop("y"), d, d.setdefault("w", 10), d)
t = (1, 2, 3)
print(t, t[1:], t + (4,), (1,), (), len(t), t.count(2), 3 in t)
s = set()
for v in [3, 1, 2]:
    s.add(v)
s.add(10)
print(s, len(s), 1 in s, {1, 2} | {3}, {1, 2} & {2, 3}, {1, 2} - {2}, set())
print(list(range(5)), list(range(2, 10, 3)), list(range(5, 0, -1)), range(3), [1, [2, [3]]], {"a": [1, {"b": 2}]})
print(dict(a=1, b=2), dict([("k", "v")]), list("abc"), tuple([1, 2]), set([1, 1, 2]), min(3, 1, 2), max([4, 7, 1]))
print(sum([1, 2, 3]), sum([0.5, 0.25]), any([0, 1]), all([1, 0]), any([]), all([]))
