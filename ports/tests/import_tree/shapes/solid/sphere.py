import shapes.solid.units as units
volume_name = units.NAME + "^3"
