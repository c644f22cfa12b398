s = "  Hello, World! 123  "
print(s.strip().split(","), s.rsplit(None, 1), s.split(" ", 2), "a-b-c".rsplit("-", 1))
print("x".join(["1", "2"]), s.count("l"), s.isdigit(), "123".isdigit(), "abc".isalpha(), " ".isspace())
print("Hello".swapcase(), "hello world".title(), "ABC".lower(), "abc".upper(), "abc".capitalize())
print("hello".startswith(("he", "x")), "hello".endswith("lo"), "hello".find("l", ), "hello".rfind("l"))
print("a,b,,c".split(","), "".split(","), "".split(), "a  b".split(" "), "line\nline2\n".splitlines())
print("%s|%5s|%-5s|%05d|%.3f|%x|%o|%e" % ("s", "ab", "cd", 42, 3.14159, 255, 8, 12345.678))
print("{:<10}|{:^10}|{:>10}|{:*<6}|{:+}|{: }|{:,.2f}|{:b}".format("l", "c", "r", "f", 5, 5, 1234567.891, 10))
print(f"{'abc':.2}", f"{3:03}", f"{-3:05}", f"{3.0:05.1f}", f"{1e-5:.2g}", f"{123456:e}", f"{0.1:.20f}")
print(str(1.0), str(1e100), str(-1e-100), repr(1.5e300 * 10), 1e308 * 10, -1e308 * 10, 2.0 ** 0.5)
print(round(1.23456, 3), round(-1.5), round(0.5), round(1.5), round(2.5), round(2.675, 2), round(1e20))
print(int("0x1f", 16), int("ff", 16), int("-0b101", 0) if False else int("101", 2), int("  42  "), int(True))
print(list(range(10))[::-1][:3], list(range(-5, 5, 2)), list(range(0)), len(range(3, 30, 7)), 7 in range(0, 10, 7))
L = [5, 3, 8, 1]
L.reverse()
print(L, L[::-1], L[1:-1], L * 2, sorted(L)[-1], L.copy() == L, L.copy() is L)
d = {"a": 1}
d2 = d.copy()
d2["b"] = 2
print(d, d2, d == d2, {"a": 1} == {"a": 1}, dict(sorted({"b": 1, "a": 2}.items())))
print(list(zip("ab", "cd", "ef")), list(enumerate(["x"], 5)), min("bca"), max([3, 1], default=0))
print(abs(-3.5), pow(2, 8), divmod(-7, 2), 10 // 3, -10 // 3, 10 % -3, 2 ** 31, (-2) ** 3, 1 / 8)
print(bool([]), bool([0]), not 0, 5 if 0 else 6, [] or [1], [1] and [2], None is None)
print(isinstance(True, int), isinstance(1, float), isinstance(1.0, (int, float)), type(1) == int, type("") is str)
t = (1, [2, 3])
t[1].append(4)
print(t, len(t), t.index([2, 3, 4]), (1, 2) + (3,), tuple("ab"), (1,) * 3)
print(sum([[1], [2]], []), sorted([3, 1, 2], reverse=True), list(map(str, [1, 2])), list(filter(lambda v: v > 1, [1, 2, 3])))
nums = [1, 2, 3, 4, 5, 6]
print([n for n in nums if n % 2], {n: n * n for n in nums if n > 4}, [[i * j for j in range(3)] for i in range(2)])
print("%d%%" % 50, "%(a)s" % {"a": 1} if False else "skip", "{{}}".format(), "{0!r:>6}".format("x"))
words = ["banana", "Apple", "cherry"]
print(sorted(words), sorted(words, key=str.lower), sorted(words, key=len, reverse=True))
