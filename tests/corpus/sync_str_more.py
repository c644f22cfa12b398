s = "Mississippi"
print(s.count("ss"), s.find("ss"), s.index("pp"), s.replace("ss", "SS", 1), s.lower().count("s"))
print("a,b;c".split(";"), "  lead".lstrip(), "trail  ".rstrip() + "|", "x".upper() * 3)
print("%s is %d years and %.1f%%" % ("Al", 30, 99.5), "%r" % "q", "%5.2f|" % 3.14159, "%-6s|" % "ab")
print(str(12) + "3", int("12") + 3, float("1.5") * 2, str(True), str([1, "a"]), str((1, "a")))
print("abc" < "abd", "B" < "a", "é".upper(), len("héllo"), "héllo"[1])
print(" ".join(str(i) for i in range(5)), ",".join(["x"]), "".join([]))
print("{:*^9}".format("mid"), "{:08.3f}".format(-3.14159), "{:+,}".format(1234567))
print(ord("A"), chr(66), hex(255), bin(5), "a\tb", repr("a\nb"))
