"""A plain view of a model's layers, for assertions in the tests."""


def activation_name(layer):
    """The name of a layer's activation function, or None if it has none."""
    fn = getattr(layer, "activation", None)
    return None if fn is None else fn.__name__


def leaf_layers(model):
    """The model's non-Input layers, nested models flattened, in order."""
    layers = []
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        if hasattr(layer, "layers"):
            layers.extend(leaf_layers(layer))
        else:
            layers.append(layer)
    return layers


def describe(model):
    """``[(class name, units or filters, activation), ...]`` per layer."""
    rows = []
    for layer in leaf_layers(model):
        size = getattr(layer, "units", None) or getattr(layer, "filters", None)
        rows.append((type(layer).__name__, size, activation_name(layer)))
    return rows
