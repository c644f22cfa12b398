names = ["ann", "bo", "cy"]
ages = [31, 22]
for i, n in enumerate(names, start=1):
    print(i, n)
print(list(zip(names, ages)), dict(zip(names, ages)), list(enumerate("ab")))
pairs = [(1, "one"), (2, "two")]
nums, words = zip(*pairs)
print(nums, words)
print(list(map(lambda a, b: a * b, [1, 2, 3], [4, 5, 6])), list(filter(None, [0, 1, "", "x"])))
print(any(a > 30 for a in ages), all(len(n) >= 2 for n in names), sum(a for a in ages if a > 25))
