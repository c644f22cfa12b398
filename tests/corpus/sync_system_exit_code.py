print("stopping")
raise SystemExit(1)
