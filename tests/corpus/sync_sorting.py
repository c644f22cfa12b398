people = [("bob", 25), ("alice", 30), ("carol", 25), ("dave", 20)]
print(sorted(people))
print(sorted(people, key=lambda p: p[1]))
print(sorted(people, key=lambda p: (-p[1], p[0])))
print(sorted(people, key=lambda p: p[1], reverse=True))
nums = [5, 2, 9, 1]
nums.sort(reverse=True)
print(nums, min(people, key=lambda p: p[1]), max("abc", "b", key=len))
print(sorted({"b": 1, "a": 2}), sorted("hello"), list(reversed([1, 2, 3])))
words = "the quick brown fox jumps over the lazy dog".split()
print(sorted(set(words)), len(words), max(words, key=len))
