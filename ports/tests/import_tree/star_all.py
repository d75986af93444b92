__all__ = ["exported"]
exported = "in __all__"
hidden = "not in __all__"
