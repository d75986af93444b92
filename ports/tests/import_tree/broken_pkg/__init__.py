print("broken_pkg starts")
1 // 0
