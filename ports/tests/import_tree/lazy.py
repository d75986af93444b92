present = "here"


def __getattr__(name):
    if name == "computed_name":
        return "computed " + name
    raise AttributeError(name)
