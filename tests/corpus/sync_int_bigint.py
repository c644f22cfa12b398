def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


print(fib(90), fib(100), fib(200))
x = 2 ** 62
print(x + x, x * 4, -x - x - 1, (x * 4) // 4 == x, (2 ** 64) % 1000)
f = 1
for i in range(1, 26):
    f *= i
print(f, len(str(f)), f % 1000007, -f // 10 ** 20)
print(int("123456789012345678901234567890") + 1, 9223372036854775807 * -1 - 1)
