class BadThing(Exception):
    pass


def go():
    raise BadThing("custom failure", 42)


try:
    go()
finally:
    print("finally before crash")
