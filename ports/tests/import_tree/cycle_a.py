finished = False
import cycle_b
finished = True
