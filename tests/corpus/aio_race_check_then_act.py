import asyncio

balance = 100

async def withdraw(n):
    global balance
    if balance >= n:
        await asyncio.sleep(0.01)
        balance -= n
        print("withdrew", n)

async def main():
    await asyncio.gather(withdraw(80), withdraw(80))
    print("balance", balance)

asyncio.run(main())
