from __future__ import annotations

from typing import Optional, List


def total(xs: List[int], start: Optional[int] = None) -> int:
    return sum(xs) + (start or 0)


count: int = 3
print(total([1, 2, count]), total([], 5))
raise SystemExit
