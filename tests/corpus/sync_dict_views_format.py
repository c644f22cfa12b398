d = {"b": 2, "a": 1}
print(d.keys(), d.values(), d.items())
k = d.keys()
d["c"] = 3
print(k, len(k), "a" in k, "z" in d.keys(), list(d.items())[0])
for key, val in d.items():
    print(key, val)
print(sorted(d.values()), sum(d.values()), max(d.items()))
print("{name} is {age}".format(name="ann", age=7), "{0}-{x}".format(1, x=2))
s = set()
for v in [20, 3, 8, 1]:
    s.add(v)
print(s, [v for v in s], list(s))
