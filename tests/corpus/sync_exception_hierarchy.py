class AppError(Exception):
    pass


class DbError(AppError):
    pass


def risky(kind):
    if kind == 1:
        raise DbError("db down")
    if kind == 2:
        raise AppError("app broke")
    if kind == 3:
        raise ValueError("bad value")
    return "fine"


for k in range(4):
    try:
        print(risky(k))
    except DbError as e:
        print("db handler:", e)
    except AppError as e:
        print("app handler:", e, isinstance(e, Exception))
    except Exception as e:
        print("generic:", type(e).__name__, e)

try:
    raise DbError
except AppError as e:
    print("class raised", type(e).__name__, e.args)
try:
    try:
        raise ValueError("first")
    except ValueError:
        raise TypeError("second")
except TypeError as e:
    print(e, repr(e.__context__))
