for expr in [lambda: 1 + "a", lambda: "a" + 1, lambda: [1] + (2,), lambda: None(), lambda: len(5), lambda: {}[[1]], lambda: 1 < "a", lambda: -"x", lambda: undefined_name]:
    try:
        expr()
    except (TypeError, NameError) as e:
        print(type(e).__name__ + ":", e)
