import cycle_a
saw_finished = cycle_a.finished
saw_name = cycle_a.__name__
