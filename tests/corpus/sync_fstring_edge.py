items = ["a", "b"]
d = {"k": 3}
w = 8
print(f"{len(items)} items: {', '.join(items)}")
print(f"{d['k']:>{w}}|{d['k']:<{w}}|")
print(f"{'x' if d else 'y'} {3 + 4} {items[-1]!r} {2 ** 10:,}")
print(f"{0.000123:.2e} {1234.5:,.2f} {-1.5:+.1f} {7:3}|{7:<3}|{'s':3}|")
print(f"{12.0} {12.5:g} {100000000.0:g} {1e-7} {float('inf'):.2f}")
