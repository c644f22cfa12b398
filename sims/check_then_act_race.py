# awaitsim: expect=fail seeds=2000
# A check-then-act race across an await: two withdrawals check the balance,
# then await a fraud check, then debit. In CPython's own timing the second
# request arrives after the first debit, so it passes; if the fraud check
# answers a little late, both checks see 100 and the account is overdrawn.
import asyncio

balance = 100


async def withdraw(name, amount, arrives_after):
    global balance
    await asyncio.sleep(arrives_after)
    if balance >= amount:
        await asyncio.sleep(0.01)  # fraud check (I/O)
        balance -= amount
        print(f"{name} withdrew {amount}")
    else:
        print(f"{name} declined")


async def main():
    await asyncio.gather(withdraw("alice", 80, 0), withdraw("bob", 80, 0.015))
    print("balance", balance)
    assert balance >= 0, f"overdrawn: {balance}"


asyncio.run(main())
