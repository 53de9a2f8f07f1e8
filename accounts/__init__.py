"""Tenants, users, authentication, profiles, favourites and wishlists."""
