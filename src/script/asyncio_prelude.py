# asyncio prelude placeholder
