from . import units
print("shapes.solid package, units", units.NAME)
