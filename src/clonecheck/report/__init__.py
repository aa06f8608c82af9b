"""Renderers over Match lists. They never query the store."""
