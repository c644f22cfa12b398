for v in [0, 1, "", "a", [], [0], {}, {"k": 1}, None, 0.0, (), (0,), set()]:
    print(repr(v), bool(v), "yes" if v else "no")
print(1 and 2, 0 and 2, 1 or 2, 0 or "", None or [], not [], not None)
x = None
print(x is None, x is not None, x == None)
