"""An endless loop at module level: importing the module never finishes."""
while True:
    pass
