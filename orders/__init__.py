"""Cart, checkout, purchases and the user's purchase summary."""
