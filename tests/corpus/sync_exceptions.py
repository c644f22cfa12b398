class Overdrawn(Exception):
    def __init__(self, amount):
        super().__init__(f"overdrawn by {amount}")
        self.amount = amount


def withdraw(balance, n):
    if n > balance:
        raise Overdrawn(n - balance)
    return balance - n


try:
    withdraw(10, 25)
except Overdrawn as e:
    print("caught:", e, e.amount, repr(e), e.args)

for v in ["3", "x", None]:
    try:
        n = int(v)
    except ValueError as e:
        print("ValueError:", e)
    except (TypeError, KeyError) as e:
        print("type problem:", type(e).__name__)
    else:
        print("parsed", n)
    finally:
        print("finally for", v)

try:
    try:
        {}["missing"]
    except KeyError as e:
        raise RuntimeError("wrapped") from e
except RuntimeError as e:
    print(e, "caused by", repr(e.__cause__))

try:
    [][1]
except IndexError as e:
    print(e)
try:
    1 / 0
except ZeroDivisionError as e:
    print(e)
try:
    assert 1 + 1 == 3, "math is broken"
except AssertionError as e:
    print("assert:", e)
