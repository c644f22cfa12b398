def log_and_reraise():
    print("logging")
    raise


def wrap():
    raise KeyError("inner")


try:
    try:
        wrap()
    except KeyError:
        log_and_reraise()
except KeyError as e:
    print("re-raised from helper:", repr(e))


def helper_fails():
    raise ValueError("while handling")


try:
    try:
        1 / 0
    except ZeroDivisionError:
        helper_fails()
except ValueError as e:
    print(repr(e), "context:", repr(e.__context__))
