counts = {}
for w in "a b a c b a".split():
    counts[w] = counts.get(w, 0) + 1
print(counts)
inv = {v: k for k, v in counts.items()}
print(inv)
d = dict.fromkeys(["x", "y"], 0)
d.update({"z": 1})
d.update([("w", 2)])
print(d, len(d), list(d), d.popitem(), d)
nested = {"a": {"b": {"c": 1}}}
nested["a"]["b"]["d"] = 2
print(nested, nested["a"]["b"].get("c"))
try:
    print(d["nope"])
except KeyError as e:
    print("KeyError", e)
print({1: "int", 1.0: "float", True: "bool"})
print({(1, 2): "tuple key"}[(1, 2)])
