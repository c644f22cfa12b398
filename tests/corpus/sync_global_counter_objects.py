class Stack:
    def __init__(self):
        self.items = []

    def push(self, x):
        self.items.append(x)

    def pop(self):
        if not self.items:
            raise IndexError("pop from empty stack")
        return self.items.pop()

    def __len__(self):
        return len(self.items)


st = Stack()
for i in range(3):
    st.push(i * i)
print(len(st), st.pop(), st.pop(), len(st), bool(st))
st.pop()
print(bool(st))
try:
    st.pop()
except IndexError as e:
    print("error:", e)
