x = 7
y = 3
print(x + y, x - y, x * y, x / y, x // y, x % y, x ** y)
print(-7 // 2, -7 % 2, 7 // -2, 7.5 % 2, -7.5 // 2)
print(2 ** 100, 2 ** 64 - 1, -(2 ** 63))
print(9223372036854775807 + 1, 3 * 9223372036854775807)
print(1 / 3, 2 / 2, 10 / 4, 1e16, 1.5e-5, 123456789.0 * 1000000000)
print(0.1 + 0.2, 1e22, -0.0, float("inf"), float("-inf"), float("nan"))
print(abs(-5), abs(-2.5), round(2.5), round(3.5), round(2.675, 2), round(1234, -2))
print(divmod(17, 5), divmod(-17, 5), pow(2, 10), 7 & 3, 7 | 8, 7 ^ 2, 1 << 70, -1 >> 3, ~5)
print(True + True, 3 == 3.0, 1 < 2 < 3, 1 < 3 < 2, int("42"), int(" -7 "), float("2.5"), int(3.99), int(-3.99))
