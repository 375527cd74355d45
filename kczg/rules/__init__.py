"""The platform's rules as plain functions, with no Flask in them."""
