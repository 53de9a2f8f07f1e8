"""Helpers of the orders tests (books come from the root conftest's `make_book`)."""


def add_to_cart(client, book_id: str, quantity: int = 1):
    return client.post("/api/v1/cart/add", {"book_id": book_id, "quantity": quantity}, format="json")
