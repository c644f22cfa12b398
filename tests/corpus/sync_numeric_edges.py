tests = [
    lambda: list(range(0, 10, -2**62)),
    lambda: (-2**63) // -1,
    lambda: (-2**63) % -1,
    lambda: round(1.5, -400),
    lambda: round(1.5, 400),
    lambda: "%" % (),
    lambda: int(""),
    lambda: chr(-1),
    lambda: [1][2**70],
    lambda: 1 << 2**40,
    lambda: [1, 2, 3][::-2**63],
    lambda: "abc"[2**62:],
    lambda: abs(-2**63),
    lambda: -(-2**63),
    lambda: divmod(-2**63, -1),
    lambda: 2 ** -2**70,
    lambda: 10.0 ** 400,
    lambda: int(1e300),
    lambda: float("1e400"),
    lambda: "{:>1000000}".format("x")[:3],
    lambda: range(2**62, -2**62, 2**61)[1],
    lambda: len(range(-2**63, 2**63 - 1)),
    lambda: "x".center(-5),
    lambda: [0] * -5,
    lambda: {}.popitem(),
    lambda: round(2**63 - 1, -1),
    lambda: 7 >> 2**70,
    lambda: hex(-2**100),
    lambda: format(3.5, ".500f")[:5],
    lambda: "%.500f" % 1.5,
]
for i, t in enumerate(tests):
    try:
        r = t()
        print(i, "ok", repr(r)[:40])
    except Exception as e:
        print(i, type(e).__name__)
