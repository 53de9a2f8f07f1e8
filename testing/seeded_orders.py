"""A reproducible order history over the seeded catalogue, for judging what the sales counters derive from it.

The demo shops (`seed_catalog`, seed 0) hold books but no orders; this builds orders the way
a shop's buyers plausibly place them, with the same seed always giving the same history:

- most orders are small and a few are large carts: ORDER_SIZES weighs how many lines;
- a buyer shops mostly in one category (TASTE_SHARE of the lines) and otherwise anywhere;
- within any pool, popular books sell more (weights 1/rank, a Zipf law, in seeded order);
- most lines are one copy, some two or three.

`co_purchase_top` counts "bought together" as the purchases stream does, with a choice of
which books of an order pair up, so a test can compare the counters with and without a rule.
"""

import random
from collections import Counter, defaultdict
from collections.abc import Callable

from catalog.sales import SaleLine
from catalog.seed_data import seed_records

# (lines, weight): how many distinct books an order holds.
ORDER_SIZES = ((1, 40), (2, 22), (3, 12), (4, 8), (5, 5), (6, 3), (8, 3), (10, 2), (12, 2), (16, 1), (24, 1), (32, 1))
QUANTITIES = ((1, 80), (2, 15), (3, 5))
TASTE_SHARE = 0.7


def seeded_catalogue(*, books: int, seed: int = 0) -> list[tuple[str, str]]:
    """(book_id, category) of the first `books` seeded books: the ISBN stands for the id."""
    return [(record["isbn"], record["category"]) for record in seed_records(count=books, seed=seed)]


def seeded_orders(*, catalogue: list[tuple[str, str]], orders: int, seed: int = 0) -> list[list[SaleLine]]:
    """`orders` orders over `catalogue`, each a list of lines with distinct books."""
    rng = random.Random(seed)
    by_category: dict[str, list[str]] = defaultdict(list)
    for book_id, category in catalogue:
        by_category[category].append(book_id)
    category_of = dict(catalogue)
    everyone = [book_id for book_id, _ in catalogue]
    weights = {pool: [1 / rank for rank in range(1, len(pool) + 1)] for pool in map(tuple, by_category.values())}
    weights[tuple(everyone)] = [1 / rank for rank in range(1, len(everyone) + 1)]
    sizes, size_weights = zip(*ORDER_SIZES, strict=True)
    quantities, quantity_weights = zip(*QUANTITIES, strict=True)
    history = []
    for _ in range(orders):
        size = rng.choices(sizes, size_weights)[0]
        taste = tuple(by_category[rng.choice(sorted(by_category))])
        chosen: dict[str, int] = {}
        while len(chosen) < min(size, len(everyone)):
            pool = taste if rng.random() < TASTE_SHARE and len(taste) > len(chosen) else tuple(everyone)
            book_id = rng.choices(pool, weights[pool])[0]
            chosen.setdefault(book_id, rng.choices(quantities, quantity_weights)[0])
        history.append([SaleLine(book_id=b, category=category_of[b], quantity=q) for b, q in chosen.items()])
    return history


def co_purchase_top(
    history: list[list[SaleLine]], *, paired: Callable[[list[SaleLine]], list[str]], top: int
) -> dict[str, list[str]]:
    """Each book's `top` partners by purchases holding both (ties by id), pairing the books `paired` picks."""
    times: dict[str, Counter[str]] = defaultdict(Counter)
    for lines in history:
        books = paired(lines)
        for a in books:
            for b in books:
                if a != b:
                    times[a][b] += 1
    return {
        book_id: [b for b, _ in sorted(partners.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
        for book_id, partners in times.items()
    }


def held_out_hit_rate(test: list[list[SaleLine]], top: dict[str, list[str]]) -> float:
    """How often a book's top partners hold another book of the same later order (orders of 2+ lines).

    The question recommendations answer ("bought together with A"), asked of orders the
    counters have not seen: a hit when one of A's partners is in A's order.
    """
    hits = asked = 0
    for lines in test:
        books = {line.book_id for line in lines}
        if len(books) < 2:
            continue
        for book_id in books:
            asked += 1
            hits += bool(set(top.get(book_id, ())) & (books - {book_id}))
    return hits / asked
