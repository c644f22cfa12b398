x = 3
print("checking")
assert x == 4, f"x was {x}"
