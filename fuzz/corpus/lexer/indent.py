if x:
    if y:
	pass
    elif z: pass
else:  # comment
    [1,
  2]
    s = \
        3
